package com.bingx.passkeys.sample

import androidx.test.ext.junit.runners.AndroidJUnit4
import androidx.test.platform.app.InstrumentationRegistry
import com.bingx.passkeys.android.PasskeysAndroid
import com.bingx.passkeys.qa.CatalogueRunner
import com.bingx.passkeys.qa.QaTarget
import com.bingx.passkeys.qa.SoftwareQaPasswordManager
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith

/**
 * The scenario catalogue on the emulator: each journey (the test APK's assets: `scenarios/` and
 * `android/qa/scenarios/`) played by the QA kit's runner, which the JVM runs too
 * (scripts/test-qa-kotlin), through the real library on the device against
 * `passkeys-testkit serve` on the host. Arguments (`am instrument -e NAME VALUE`): `serverUrl`,
 * `testkitUrl`, `rpId`, `adminToken` (the back office's credential serve was started with, for J8's
 * approval and clock; J8 fails without it); defaults from the build (scripts/qa-android passes them).
 */
@RunWith(AndroidJUnit4::class)
class QaCatalogueDeviceTest {
    private val instrumentation = InstrumentationRegistry.getInstrumentation()
    private val arguments = InstrumentationRegistry.getArguments()

    private val runner = CatalogueRunner(
        QaTarget(
            serverUrl = arguments.getString("serverUrl") ?: BuildConfig.SERVER_URL,
            rpId = arguments.getString("rpId") ?: BuildConfig.RP_ID,
            testkitUrl = arguments.getString("testkitUrl") ?: BuildConfig.TESTKIT_URL,
            adminToken = arguments.getString("adminToken"),
        ),
        SoftwareQaPasswordManager.factory,
    )

    @Before
    fun initialize() = PasskeysAndroid.initialize(instrumentation.targetContext)

    private fun journey(asset: String) {
        val json = instrumentation.context.assets.open(asset).bufferedReader().use { it.readText() }
        val report = runBlocking { runner.run(json) }
        assertTrue(report.summary(), report.passed)
    }

    @Test fun j1Enable() = journey("j1_enable.json")

    @Test fun j2LoginWithTheFlagOn() = journey("j2_login.json")

    @Test fun j3Usernameless() = journey("j3_usernameless.json")

    @Test fun j4BlockedPaths() = journey("j4_blocked_paths.json")

    @Test fun j5Manage() = journey("j5_manage.json")

    @Test fun j6Scenarios() = journey("j6_scenarios.json")

    @Test fun j7ThingsGoWrong() = journey("j7_things_go_wrong.json")

    @Test fun j8LostPhone() = journey("j8_lost_phone.json")

    @Test fun j9SecondPasskey() = journey("j9_second_passkey.json")
}
