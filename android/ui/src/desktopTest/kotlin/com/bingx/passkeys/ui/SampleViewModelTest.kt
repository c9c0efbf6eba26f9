package com.bingx.passkeys.ui

import com.bingx.passkeys.Factor
import com.bingx.passkeys.SoftwareFault
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * What the sample's view model does where the journeys' happy path does not go: refusals,
 * a cancelled sheet, a wrong code, a server that is gone. Real library, real server.
 */
class SampleViewModelTest {
    private fun signedInWithCode(phone: Phone, serve: Serve) {
        phone.tap { start() }
        phone.model.emailChanged(Journeys.EMAIL)
        phone.model.passwordChanged(Journeys.PASSWORD)
        phone.tap { signIn() }
        phone.model.codeChanged(serve.api.code(Journeys.EMAIL, "login"))
        assertInstanceOf(Screen.SecurityCenter::class.java, phone.tap { submitCode() })
    }

    private fun toStepUp(phone: Phone) {
        phone.tap { openPasskeys() }
        phone.tap { startEnable() }
        assertInstanceOf(Screen.StepUp::class.java, phone.tap { acknowledgeWarning() })
    }

    @Test
    fun `a screen printed in a log or a crash report shows no typed password or code`() {
        val screens = listOf(
            Screen.SignIn("a@bingx.test", "hunter2-typed"),
            Screen.Code("a@bingx.test", CodeFactor.EMAIL, "493817"),
            Screen.StepUp(CodeFactor.SMS, "hunter2-typed", "493817"),
        )
        val shown = screens.joinToString("\n")
        assertFalse("hunter2" in shown, shown)
        assertFalse("493817" in shown, shown)
        // What tells the reader where the user was stays.
        assertTrue("a@bingx.test" in shown && "SMS" in shown && "<hidden>" in shown, shown)
        assertEquals(
            "SignIn(email=a@bingx.test, password=<empty>, message=null, busy=false)",
            Screen.SignIn("a@bingx.test", "").toString(),
        )
    }

    @Test
    fun `a cancelled sheet leaves Enable at the step-up with the library's text, and the next tap creates the passkey`() {
        Serve.start().use { serve ->
            serve.api.signUp(Journeys.EMAIL, Journeys.PASSWORD)
            Phone(serve).use { phone ->
                signedInWithCode(phone, serve)
                toStepUp(phone)
                phone.model.passwordChanged(Journeys.PASSWORD)
                phone.model.codeChanged(serve.api.code(Journeys.EMAIL, "step_up"))
                phone.fault(SoftwareFault.Cancel)
                val cancelled = assertInstanceOf(Screen.StepUp::class.java, phone.tap { submitStepUp() })
                assertEquals("error.cancelled", cancelled.message?.text?.key)
                assertFalse(cancelled.busy)
                phone.fault(null)
                // No new code: the step-up stands, only the ceremony is tried again.
                assertInstanceOf(Screen.EnableDone::class.java, phone.tap { submitStepUp() })
                assertEquals(2, phone.ceremonies)
            }
        }
    }

    @Test
    fun `Enable's first step lists the passkeys already there, and one the user keeps stays`() {
        Serve.start().use { serve ->
            serve.api.signUp(Journeys.EMAIL, Journeys.PASSWORD)
            // A tablet's password manager enabled once; the requirement was then turned off.
            Phone(serve).use { tablet ->
                signedInWithCode(tablet, serve)
                toStepUp(tablet)
                tablet.model.passwordChanged(Journeys.PASSWORD)
                tablet.model.codeChanged(serve.api.code(Journeys.EMAIL, "step_up"))
                assertInstanceOf(Screen.EnableDone::class.java, tablet.tap { submitStepUp() })
                tablet.tap { back() }
                tablet.tap { openPasskeys() }
                val off = assertInstanceOf(Screen.Passkeys::class.java, tablet.tap { turnOffRequirement() })
                assertFalse(off.passkeyRequired)
            }
            // The phone, with a password manager of its own, turns it on again and keeps the tablet's.
            Phone(serve).use { phone ->
                signedInWithCode(phone, serve)
                phone.tap { openPasskeys() }
                val intro = assertInstanceOf(Screen.EnableIntro::class.java, phone.tap { startEnable() })
                val tablets = intro.existing.orEmpty().single()
                assertFalse(tablets.keep, "none kept unless the user says so")
                phone.model.keepPasskey(tablets.passkey.id, true)
                val kept = assertInstanceOf(Screen.EnableIntro::class.java, phone.screen)
                assertEquals(listOf(true), kept.existing?.map { it.keep })
                assertInstanceOf(Screen.StepUp::class.java, phone.tap { acknowledgeWarning() })
                phone.model.passwordChanged(Journeys.PASSWORD)
                phone.model.codeChanged(serve.api.code(Journeys.EMAIL, "step_up"))
                val done = assertInstanceOf(Screen.EnableDone::class.java, phone.tap { submitStepUp() })
                assertEquals(0, done.removedPasskeys)
                phone.tap { back() }
                val page = assertInstanceOf(Screen.Passkeys::class.java, phone.tap { openPasskeys() })
                assertEquals(setOf(tablets.passkey.id, done.passkey.id), page.passkeys.map { it.id }.toSet())
            }
        }
    }

    @Test
    fun `a wrong step-up code is refused before the password manager is asked`() {
        Serve.start().use { serve ->
            serve.api.signUp(Journeys.EMAIL, Journeys.PASSWORD)
            Phone(serve).use { phone ->
                signedInWithCode(phone, serve)
                toStepUp(phone)
                phone.model.passwordChanged(Journeys.PASSWORD)
                val good = serve.api.code(Journeys.EMAIL, "step_up")
                phone.model.codeChanged(if (good == "000000") "111111" else "000000")
                val refused = assertInstanceOf(Screen.StepUp::class.java, phone.tap { submitStepUp() })
                assertEquals("error.server.code_invalid", refused.message?.text?.key)
                assertEquals(0, phone.ceremonies)
                assertEquals(false, phone.client.passkeys().use { kotlinx.coroutines.runBlocking { it.policy() } }.passkeyRequired)
            }
        }
    }

    @Test
    fun `once this phone knows passkeys are required, third-party and web logins are refused without a request`() {
        Serve.start().use { serve ->
            serve.api.signUp(Journeys.EMAIL, Journeys.PASSWORD)
            Phone(serve, email = Journeys.EMAIL).use { phone ->
                Journeys.enable(phone, serve.api)
                phone.tap { back() }
                assertInstanceOf(Screen.SignIn::class.java, phone.tap { signOut() })
                val before = phone.client.requestsSent()
                for ((other, key) in listOf(
                    OtherLogin.TELEGRAM to "error.path_blocked.third_party",
                    OtherLogin.WEB_H5 to "error.path_blocked.h5",
                )) {
                    val refused = assertInstanceOf(Screen.SignIn::class.java, phone.tap { signInWith(other) })
                    assertEquals(key, refused.message?.text?.key)
                }
                assertEquals(before, phone.client.requestsSent(), "refused on the device")
                // A code is never a way around it: the password step asks for the passkey.
                phone.model.passwordChanged(Journeys.PASSWORD)
                assertInstanceOf(Screen.PasskeyRequired::class.java, phone.tap { signIn() })
                val refused = assertInstanceOf(Screen.PasskeyRequired::class.java, phone.tap { useCodeInstead() })
                assertEquals("error.passkey_required", refused.message?.text?.key)
            }
        }
    }

    @Test
    fun `a reset someone else asked for shows on Security Center when the app opens and at the next sign-in, and the owner's passkey cancels it`() {
        Serve.start().use { serve ->
            serve.api.signUp(Journeys.EMAIL, Journeys.PASSWORD)
            Phone(serve).use { owner ->
                Journeys.enable(owner, serve.api)
                val before = assertInstanceOf(Screen.SecurityCenter::class.java, owner.tap { back() })
                assertNull(before.pendingReset)
                // Someone holding the password and a code asks for a reset from another phone.
                Phone(serve).use { other ->
                    runBlocking {
                        other.client.recovery().use { recovery ->
                            recovery.request(Journeys.EMAIL, Journeys.PASSWORD, "other phone")
                            recovery.confirm(Factor.EMAIL, serve.api.code(Journeys.EMAIL, "recovery"))
                        }
                    }
                }
                // The app opened again on the session it kept: Security Center asks and shows it.
                val reopened = assertInstanceOf(Screen.SecurityCenter::class.java, owner.tap { start() })
                assertEquals("recovery.pending_notice", reopened.pendingReset?.key)
                assertInstanceOf(Screen.SignIn::class.java, owner.tap { signOut() })
                // And a sign-in names it from the sign-in's own answer.
                owner.model.passwordChanged(Journeys.PASSWORD)
                assertInstanceOf(Screen.PasskeyRequired::class.java, owner.tap { signIn() })
                val shown = assertInstanceOf(Screen.SecurityCenter::class.java, owner.tap { continueWithPasskey() })
                assertEquals("recovery.pending_notice", shown.pendingReset?.key)
                assertTrue(shown.pendingReset?.args?.get("approvable_at").orEmpty().endsWith("UTC"), "${shown.pendingReset}")
                val ceremonies = owner.ceremonies
                val cancelled = assertInstanceOf(Screen.SecurityCenter::class.java, owner.tap { cancelReset() })
                assertEquals(ceremonies + 1, owner.ceremonies, "cancelled with a passkey")
                assertNull(cancelled.pendingReset)
                assertEquals("recovery.state.cancelled", cancelled.notice?.text?.key)
            }
        }
    }

    @Test
    fun `a server that is gone is a line on the sign-in screen, not a crash`() {
        val serve = Serve.start()
        Phone(serve).use { phone ->
            serve.close()
            phone.tap { start() }
            phone.model.emailChanged(Journeys.EMAIL)
            phone.model.passwordChanged(Journeys.PASSWORD)
            val down = assertInstanceOf(Screen.SignIn::class.java, phone.tap { signIn() })
            assertEquals("error.network", down.message?.text?.key)
            assertFalse(down.busy)
            assertEquals(Journeys.EMAIL, down.email, "what the user typed stays")
        }
    }

    @Test
    fun `a withdrawal the policy does not put behind a passkey goes without the sheet`() {
        Serve.start().use { serve ->
            serve.api.signUp(Journeys.EMAIL, Journeys.PASSWORD)
            Phone(serve).use { phone ->
                signedInWithCode(phone, serve)
                phone.tap { openWithdrawal() }
                val done = assertInstanceOf(Screen.Withdrawal::class.java, phone.tap { confirmWithdrawal() })
                assertEquals(true, done.verified)
                assertEquals(0, phone.ceremonies)
            }
        }
    }
}
