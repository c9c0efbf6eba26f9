package com.bingx.passkeys.jvm.testkit

import com.bingx.passkeys.jvm.authenticator.Json
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.authenticator.list
import com.bingx.passkeys.jvm.authenticator.str
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration

/** An account made through the server's test sign-up. */
data class TestAccount(val accountId: String, val email: String, val password: String)

/**
 * Raw HTTP to the reference server for what the app does not do itself (as testkit's harness):
 * test sign-up, the outbox of emailed codes, the test identity provider, the admin policy.
 */
class TestkitHttp(private val baseUrl: String) {
    private val client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()

    /**
     * One call; returns the status and the parsed JSON body (`null` when empty). [adminToken] goes in
     * `X-Admin-Token` (the back office's endpoints).
     */
    fun call(method: String, path: String, body: Any? = null, bearer: String? = null, adminToken: String? = null): Pair<Int, Any?> {
        val request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(Json.write(it)) }
                ?: HttpRequest.BodyPublishers.noBody())
            .header("content-type", "application/json")
        bearer?.let { request.header("authorization", "Bearer $it") }
        adminToken?.let { request.header("x-admin-token", it) }
        val response = client.send(request.build(), HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body().takeIf { it.isNotBlank() }?.let { runCatching { Json.parse(it) }.getOrNull() }
    }

    private fun ok(method: String, path: String, body: Any? = null, status: Int = 200, adminToken: String? = null): Any? {
        val (got, answer) = call(method, path, body, adminToken = adminToken)
        check(got == status) { "$method $path: $got" }
        return answer
    }

    fun signUp(email: String): TestAccount {
        val password = "correct horse battery staple"
        val answer = ok("POST", "/v1/accounts", mapOf("email" to email, "password" to password), status = 201)
        return TestAccount(answer.str("account_id")!!, email, password)
    }

    /** The newest code the outbox holds for [to] and [purpose] (`login`, `step_up`). */
    fun codeFor(to: String, purpose: String): String {
        val answer = ok("GET", "/v1/testkit/outbox?to=" + URLEncoder.encode(to, Charsets.UTF_8))
        return answer.list("messages").lastOrNull { it.str("purpose") == purpose }?.str("code")
            ?: error("no $purpose code for $to")
    }

    /** The server's policy-signing key, which an app pins. */
    fun policyKey(): ByteArray? =
        call("GET", "/v1/policy-key").takeIf { it.first == 200 }?.second?.str("public_key")?.let(KotlinAuthenticator::b64d)

    /** An id token of the test identity provider for [email]. */
    fun idToken(provider: String, email: String): String =
        ok("POST", "/v1/testkit/idp/token", mapOf("provider" to provider, "email" to email)).str("id_token")!!

    /**
     * Changes the server's global policy (the admin switches), with the back office's credential the
     * server was started with (`PASSKEYS_TESTKIT_ADMIN_TOKEN`, set by scripts/test-kotlin).
     */
    fun adminPolicy(change: Map<String, Any?>) {
        val token = System.getenv("PASSKEYS_TESTKIT_ADMIN_TOKEN")
            ?: error("PASSKEYS_TESTKIT_ADMIN_TOKEN is not set: run the Kotlin tests with scripts/test-kotlin")
        ok("PUT", "/v1/testkit/admin/policy", change, adminToken = token)
    }
}
