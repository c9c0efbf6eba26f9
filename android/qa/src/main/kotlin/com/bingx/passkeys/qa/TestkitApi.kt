package com.bingx.passkeys.qa

import java.io.IOException
import java.net.HttpURLConnection
import java.net.URL
import java.net.URLEncoder

/** The reference server's test endpoints did not answer as `docs/openapi.yaml` says. */
class TestkitException(message: String) : Exception(message)

/** An account made through the reference server's test sign-up. */
data class QaAccount(val email: String, val password: String) {
    override fun toString(): String = "QaAccount($email)" // never the password
}

/**
 * What the QA kit asks of `passkeys-testkit serve` that an app never asks a real server: test
 * sign-up, the outbox of emailed codes, the test identity provider, the admin policy, a
 * withdrawal as the exchange's own screen would send it, and — with the back office's credential
 * (`serve`'s `PASSKEYS_TESTKIT_ADMIN_TOKEN`) — support resets and the server's clock. Plain `java.net`, so it runs on the JVM
 * and on a device alike; blocking: call it off the main thread.
 *
 * [baseUrl] is the server as this process reaches it (an emulator: `http://10.0.2.2:8787`).
 * Failures are [IOException] (unreachable) or [TestkitException] (an unexpected answer); no
 * code, token or password is put into their messages.
 */
class TestkitApi(baseUrl: String) {
    private val base = baseUrl.trimEnd('/')

    /**
     * One call; the status and the parsed JSON body (`null` when empty or not JSON). [adminToken]
     * goes in `X-Admin-Token` (the back office's endpoints).
     */
    fun call(
        method: String,
        path: String,
        body: Any? = null,
        bearer: String? = null,
        adminToken: String? = null,
    ): Pair<Int, Any?> {
        val connection = URL(base + path).openConnection() as HttpURLConnection
        try {
            connection.requestMethod = method
            connection.connectTimeout = TIMEOUT_MS
            connection.readTimeout = TIMEOUT_MS
            connection.setRequestProperty("accept", "application/json")
            bearer?.let { connection.setRequestProperty("authorization", "Bearer $it") }
            adminToken?.let { connection.setRequestProperty("x-admin-token", it) }
            if (body != null) {
                connection.doOutput = true
                connection.setRequestProperty("content-type", "application/json")
                connection.outputStream.use { it.write(QaJson.write(body).toByteArray()) }
            }
            val status = connection.responseCode
            val stream = if (status >= 400) connection.errorStream else connection.inputStream
            val text = stream?.use { it.readBytes().decodeToString() }.orEmpty()
            val json = text.takeIf { it.isNotBlank() }?.let { runCatching { QaJson.parse(it) }.getOrNull() }
            return status to json
        } finally {
            connection.disconnect()
        }
    }

    private fun expect(method: String, path: String, body: Any? = null, status: Int = 200, adminToken: String? = null): Any? {
        val (got, answer) = call(method, path, body, adminToken = adminToken)
        if (got != status) {
            val code = (answer as? Map<*, *>)?.get("error").str("code")
            throw TestkitException("$method ${path.substringBefore('?')}: HTTP $got${code?.let { " $it" }.orEmpty()}")
        }
        return answer
    }

    /** A new account with [email] (test sign-up). */
    fun signUp(email: String, password: String = QA_PASSWORD): QaAccount {
        expect("POST", "/v1/accounts", mapOf("email" to email, "password" to password), status = 201)
        return QaAccount(email, password)
    }

    /** The newest code the outbox holds for [to] (an email or phone) and [purpose] (`login`, `step_up`, …). */
    fun code(to: String, purpose: String): String {
        val answer = expect("GET", "/v1/testkit/outbox?to=" + URLEncoder.encode(to, "UTF-8"))
        return answer.list("messages").lastOrNull { it.str("purpose") == purpose }?.str("code")
            ?: throw TestkitException("the outbox holds no $purpose code for $to")
    }

    /** The server's policy-signing key (65 bytes), which an app pins; `null` when it has none. */
    fun policyKey(): ByteArray? {
        val (status, answer) = call("GET", "/v1/policy-key")
        if (status != 200) return null
        return answer.str("public_key")?.let { java.util.Base64.getUrlDecoder().decode(it.trimEnd('=')) }
    }

    /** An id token of the test identity provider (`google`, `apple`, `telegram`) for [email]. */
    fun idToken(provider: String, email: String): String =
        expect("POST", "/v1/testkit/idp/token", mapOf("provider" to provider, "email" to email)).str("id_token")
            ?: throw TestkitException("the identity provider answered without id_token")

    /** The global policy as the server holds it (`GET /v1/testkit/admin/policy`). */
    fun policy(): Map<*, *> =
        expect("GET", "/v1/testkit/admin/policy") as? Map<*, *> ?: throw TestkitException("the admin policy is not an object")

    /**
     * Changes the global policy: absent members stay as they are (`PUT /v1/testkit/admin/policy`, with
     * the back office's [adminToken]).
     */
    fun changePolicy(change: Map<String, Any?>, adminToken: String) {
        expect("PUT", "/v1/testkit/admin/policy", change, adminToken = adminToken)
    }

    /** Puts back a policy [policy] read before: every scenario switch and both reopen switches. */
    fun restorePolicy(policy: Map<*, *>, adminToken: String) {
        val scenarios = (policy["scenarios"] as? Map<*, *>).orEmpty().filterKeys { it != "login" }
        changePolicy(
            mapOf(
                "scenarios" to scenarios.mapKeys { it.key.toString() },
                "reopen_h5_login" to policy["reopen_h5_login"],
                "reopen_third_party_login" to policy["reopen_third_party_login"],
            ).filterValues { it != null },
            adminToken,
        )
    }

    /** The id of the newest support reset of [email] (`GET /v1/testkit/admin/resets`), whatever its state. */
    fun newestReset(email: String, adminToken: String): String {
        val answer = expect("GET", "/v1/testkit/admin/resets?email=" + URLEncoder.encode(email, "UTF-8"), adminToken = adminToken)
        return answer.list("resets").firstOrNull()?.str("reset_id")
            ?: throw TestkitException("the back office knows no reset of $email")
    }

    /** The back office approves reset [resetId]: the status and the answer (a `Reset` or a refusal). */
    fun approveReset(resetId: String, adminToken: String): Pair<Int, Any?> =
        call("POST", "/v1/testkit/admin/resets/" + URLEncoder.encode(resetId, "UTF-8") + "/approve", adminToken = adminToken)

    /** Moves the server's clock forward by [seconds] (`POST /v1/testkit/clock/advance`); the server's time afterwards. */
    fun advanceClock(seconds: Long, adminToken: String): Long =
        (expect("POST", "/v1/testkit/clock/advance", mapOf("seconds" to seconds), adminToken = adminToken) as? Map<*, *>)
            ?.get("now") as? Long ?: throw TestkitException("the clock answered without now")

    private companion object {
        const val TIMEOUT_MS = 30_000

        /** The password of the kit's own accounts (a test server's, never a real one's). */
        const val QA_PASSWORD = "correct horse battery staple"
    }
}
