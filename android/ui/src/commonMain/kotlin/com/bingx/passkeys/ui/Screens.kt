package com.bingx.passkeys.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp

/**
 * The screen for [screen]: the one entry point the Android activity, the desktop and the
 * screenshot tests render. Pure: what it shows is [screen] (texts from [LocalUiTexts], dates from
 * [LocalDateText]); what the user does goes to [actions].
 */
@Composable
fun SampleScreen(screen: Screen, actions: SampleActions, modifier: Modifier = Modifier) {
    when (screen) {
        is Screen.SignIn -> SignInScreen(screen, actions, modifier)
        is Screen.Code -> CodeScreen(screen, actions, modifier)
        is Screen.PasskeyRequired -> PasskeyRequiredScreen(screen, actions, modifier)
        is Screen.SecurityCenter -> SecurityCenterScreen(screen, actions, modifier)
        is Screen.Passkeys -> PasskeysScreen(screen, actions, modifier)
        is Screen.EnableIntro -> EnableIntroScreen(screen, actions, modifier)
        is Screen.StepUp -> StepUpScreen(screen, actions, modifier)
        is Screen.PlatformSheet -> PlatformSheetScreen(screen, modifier)
        is Screen.EnableDone -> EnableDoneScreen(screen, actions, modifier)
        is Screen.ManagePasskey -> ManagePasskeyScreen(screen, actions, modifier)
        is Screen.Withdrawal -> WithdrawalScreen(screen, actions, modifier)
    }
}

@Composable
private fun SignInScreen(s: Screen.SignIn, a: SampleActions, modifier: Modifier) {
    val on = !s.busy
    Page(tr("sample.sign_in.title"), s.busy, onBack = null, modifier) {
        Text(tr("sample.app.title"), style = MaterialTheme.typography.headlineSmall, fontWeight = FontWeight.SemiBold)
        Field(tr("sample.sign_in.email"), s.email, a::emailChanged, on, keyboard = KeyboardType.Email)
        Field(tr("sample.sign_in.password"), s.password, a::passwordChanged, on, secret = true)
        MessageLine(s.message)
        MainButton(tr("sample.sign_in.submit"), on && s.email.isNotBlank() && s.password.isNotEmpty(), a::signIn)
        OtherButton(tr("sample.sign_in.with_passkey"), on, onClick = a::signInWithPasskey)
        Spacer(Modifier.height(4.dp))
        Row(verticalAlignment = Alignment.CenterVertically) {
            HorizontalDivider(Modifier.weight(1f))
            Text(
                tr("sample.sign_in.others"),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                modifier = Modifier.padding(horizontal = 12.dp),
            )
            HorizontalDivider(Modifier.weight(1f))
        }
        val others = listOf(
            OtherLogin.GOOGLE to "sample.sign_in.google",
            OtherLogin.APPLE to "sample.sign_in.apple",
            OtherLogin.TELEGRAM to "sample.sign_in.telegram",
            OtherLogin.WEB_H5 to "sample.sign_in.web",
        )
        for (pair in others.chunked(2)) {
            Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                for ((other, key) in pair) {
                    OtherButton(tr(key), on, Modifier.weight(1f), color = MaterialTheme.colorScheme.secondary) { a.signInWith(other) }
                }
            }
        }
    }
}

@Composable
private fun CodeScreen(s: Screen.Code, a: SampleActions, modifier: Modifier) {
    Page(tr("sample.code.title"), s.busy, onBack = a::back, modifier) {
        Body(codeSentText(s.factor, s.email))
        Field(tr("sample.code.field"), s.code, a::codeChanged, !s.busy, keyboard = KeyboardType.Number)
        MessageLine(s.message)
        MainButton(tr("sample.code.submit"), !s.busy && s.code.isNotBlank(), a::submitCode)
    }
}

@Composable
private fun codeSentText(factor: CodeFactor, email: String): String = when (factor) {
    CodeFactor.EMAIL -> tr("sample.code.sent.email", "email" to email)
    CodeFactor.SMS -> tr("sample.code.sent.sms")
    CodeFactor.AUTHENTICATOR -> tr("sample.code.sent.authenticator")
}

@Composable
private fun PasskeyRequiredScreen(s: Screen.PasskeyRequired, a: SampleActions, modifier: Modifier) {
    Page(tr("sample.passkey_required.title"), s.busy, onBack = a::back, modifier) {
        Box(Modifier.fillMaxWidth(), contentAlignment = Alignment.Center) { RoundMark(tick = false) }
        Body(tr("sample.passkey_required.body", "email" to s.email))
        MessageLine(s.message)
        MainButton(tr("sample.passkey_required.continue"), !s.busy, a::continueWithPasskey)
        TextButton(onClick = a::useCodeInstead, enabled = !s.busy, modifier = Modifier.fillMaxWidth()) {
            Text(tr("sample.passkey_required.use_code"))
        }
    }
}

@Composable
private fun SecurityCenterScreen(s: Screen.SecurityCenter, a: SampleActions, modifier: Modifier) {
    Page(tr("sample.security_center.title"), s.busy, onBack = null, modifier) {
        Body(tr("sample.security_center.account", "email" to s.email))
        MessageLine(s.notice)
        s.pendingReset?.let { reset ->
            MessageLine(Message(reset, Tone.ERROR))
            MainButton(tr("sample.security_center.cancel_reset"), !s.busy, a::cancelReset)
        }
        Block(onClick = if (s.busy) null else a::openPasskeys) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                KeyMark(Modifier.size(36.dp))
                Spacer(Modifier.width(12.dp))
                Column(Modifier.weight(1f)) {
                    Text(tr("sample.passkeys.title"), style = MaterialTheme.typography.titleMedium)
                    Text(
                        tr("sample.security_center.passkey_count", "count" to s.passkeyCount.toString()),
                        style = MaterialTheme.typography.bodyMedium,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                    )
                }
                Text("›", style = MaterialTheme.typography.headlineSmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            HorizontalDivider(Modifier.padding(vertical = 6.dp))
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(tr("sample.security_center.feature"), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(1f))
                RequirementBadge(s.passkeyRequired)
            }
        }
        Block {
            for ((i, key) in listOf("sample.security_center.password", "sample.security_center.authenticator").withIndex()) {
                if (i > 0) HorizontalDivider(Modifier.padding(vertical = 6.dp))
                Text(tr(key), style = MaterialTheme.typography.bodyLarge, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
        }
        OtherButton(tr("sample.security_center.withdraw"), !s.busy, onClick = a::openWithdrawal)
        TextButton(onClick = a::signOut, enabled = !s.busy, modifier = Modifier.fillMaxWidth()) {
            Text(tr("sample.security_center.sign_out"), color = MaterialTheme.colorScheme.error)
        }
    }
}

@Composable
private fun RequirementBadge(on: Boolean) {
    if (on) {
        Badge(tr("sample.security_center.on"), SuccessContainer, OnSuccessContainer)
    } else {
        Badge(tr("sample.security_center.off"), MaterialTheme.colorScheme.surfaceVariant, MaterialTheme.colorScheme.onSurfaceVariant)
    }
}

@Composable
private fun PasskeysScreen(s: Screen.Passkeys, a: SampleActions, modifier: Modifier) {
    val on = !s.busy
    Page(tr("sample.passkeys.title"), s.busy, onBack = a::back, modifier) {
        Block {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(tr("sample.security_center.feature"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                RequirementBadge(s.passkeyRequired)
            }
            if (s.passkeyRequired) {
                TextButton(onClick = a::turnOffRequirement, enabled = on) { Text(tr("sample.passkeys.turn_off"), color = MaterialTheme.colorScheme.error) }
            } else {
                MainButton(tr("sample.passkeys.enable"), on, a::startEnable)
            }
        }
        MessageLine(s.message)
        s.health?.let { HealthBlock(it, on, a::dismissNudge) }
        if (s.passkeys.isEmpty()) {
            Body(tr("sample.passkeys.empty"))
        }
        for (row in s.passkeys) {
            PasskeyCard(row, onClick = if (on) ({ a.openPasskey(row.id) }) else null)
        }
        if (s.passkeyRequired) {
            OtherButton(tr("sample.passkeys.add"), on, onClick = a::startEnable)
        }
    }
}

@Composable
private fun EnableIntroScreen(s: Screen.EnableIntro, a: SampleActions, modifier: Modifier) {
    val existing = s.existing.orEmpty()
    Page(tr("sample.enable.title"), s.busy, onBack = a::back, modifier) {
        // With passkeys to choose from, their list takes the mark's place (it fits one screen).
        if (existing.isEmpty()) {
            Box(Modifier.fillMaxWidth(), contentAlignment = Alignment.Center) { RoundMark(tick = false) }
        }
        Body(tr("sample.enable.intro"))
        Block(container = WarningContainer) {
            Text(tr(s.warning), style = MaterialTheme.typography.bodyMedium, color = OnWarningContainer)
        }
        when (s.deviceReady) {
            null -> Body(tr("sample.enable.checking"))
            true -> MessageLine(Message(UiText("sample.enable.device_ready"), Tone.SUCCESS))
            false -> Unit
        }
        if (existing.isNotEmpty()) {
            Text(tr("sample.enable.existing_title"), style = MaterialTheme.typography.titleMedium)
            Text(tr("sample.enable.existing_note"), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            for (one in existing) {
                KeepPasskeyRow(one, enabled = !s.busy) { keep -> a.keepPasskey(one.passkey.id, keep) }
            }
        }
        MessageLine(s.message)
        MainButton(tr("sample.enable.acknowledge"), !s.busy && s.deviceReady == true && s.existing != null, a::acknowledgeWarning)
    }
}

@Composable
private fun StepUpScreen(s: Screen.StepUp, a: SampleActions, modifier: Modifier) {
    Page(tr("sample.step_up.title"), s.busy, onBack = a::back, modifier) {
        Body(tr("sample.step_up.body"))
        Field(tr("sample.sign_in.password"), s.password, a::passwordChanged, !s.busy, secret = true)
        Field(tr("sample.code.field"), s.code, a::codeChanged, !s.busy, keyboard = KeyboardType.Number)
        Text(codeSentText(s.factor, ""), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        MessageLine(s.message)
        MainButton(tr("sample.step_up.submit"), !s.busy && s.password.isNotEmpty() && s.code.isNotBlank(), a::submitStepUp)
    }
}

/**
 * Handed to the password manager. On a phone the system draws its own sheet over the app; here
 * (the desktop, the screenshots) a stand-in sheet says what the user is asked, and says it is a
 * stand-in.
 */
@Composable
private fun PlatformSheetScreen(s: Screen.PlatformSheet, modifier: Modifier) {
    Box(modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        Box(Modifier.fillMaxSize().background(Color(0x66000000)))
        Surface(
            color = MaterialTheme.colorScheme.surface,
            shape = RoundedCornerShape(topStart = 24.dp, topEnd = 24.dp),
            modifier = Modifier.align(Alignment.BottomCenter).fillMaxWidth(),
        ) {
            Column(
                Modifier.padding(24.dp),
                horizontalAlignment = Alignment.CenterHorizontally,
                verticalArrangement = Arrangement.spacedBy(14.dp),
            ) {
                Box(Modifier.height(4.dp).fillMaxWidth(0.12f).background(MaterialTheme.colorScheme.outline, RoundedCornerShape(2.dp)))
                val title = when (s.purpose) {
                    SheetPurpose.CREATE_PASSKEY -> "sample.sheet.create"
                    SheetPurpose.SIGN_IN -> "sample.sheet.sign_in"
                    SheetPurpose.VERIFY -> "sample.sheet.verify"
                }
                Text(tr(title), style = MaterialTheme.typography.titleLarge, textAlign = TextAlign.Center)
                RoundMark(tick = false)
                Text(tr("sample.sheet.body"), style = MaterialTheme.typography.bodyMedium, textAlign = TextAlign.Center)
                Text(
                    tr("sample.sheet.stand_in"),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                    textAlign = TextAlign.Center,
                )
                Spacer(Modifier.height(12.dp))
            }
        }
    }
}

@Composable
private fun EnableDoneScreen(s: Screen.EnableDone, a: SampleActions, modifier: Modifier) {
    Page(tr("sample.enable_done.title"), s.busy, onBack = null, modifier) {
        Box(Modifier.fillMaxWidth(), contentAlignment = Alignment.Center) { RoundMark(tick = true) }
        Body(tr("sample.enable_done.body"), MaterialTheme.colorScheme.onSurface)
        if (s.revokedSessions > 0) {
            Body(tr("sample.enable_done.signed_out", "count" to s.revokedSessions.toString()))
        }
        if (s.removedPasskeys > 0) {
            Body(tr("sample.enable_done.removed", "count" to s.removedPasskeys.toString()))
        }
        PasskeyCard(s.passkey, onClick = null)
        s.health?.let { HealthBlock(it, !s.busy, onDismissNudge = null) }
        MainButton(tr("sample.enable_done.done"), !s.busy, a::back)
    }
}

@Composable
private fun ManagePasskeyScreen(s: Screen.ManagePasskey, a: SampleActions, modifier: Modifier) {
    val on = !s.busy
    Page(tr("sample.manage.title"), s.busy, onBack = a::back, modifier) {
        PasskeyCard(s.passkey, onClick = null)
        Field(tr("sample.manage.name"), s.newName, a::newNameChanged, on)
        MainButton(tr("sample.manage.rename"), on && s.newName.isNotBlank() && s.newName != s.passkey.name, a::renamePasskey)
        Text(tr("sample.manage.confirm_note"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        MessageLine(s.message)
        if (s.isLast && s.message == null) {
            // Said before the user tries; once the library has refused, its text says it.
            Body(tr("sample.manage.last"))
        }
        OtherButton(tr("sample.manage.delete"), on, color = MaterialTheme.colorScheme.error, onClick = a::deletePasskey)
    }
}

@Composable
private fun WithdrawalScreen(s: Screen.Withdrawal, a: SampleActions, modifier: Modifier) {
    Page(tr("sample.withdrawal.title"), s.busy, onBack = a::back, modifier) {
        Block {
            for ((i, row) in listOf(
                "sample.withdrawal.asset" to s.asset,
                "sample.withdrawal.amount" to s.amount,
                "sample.withdrawal.address" to s.address,
            ).withIndex()) {
                if (i > 0) HorizontalDivider(Modifier.padding(vertical = 4.dp))
                Row {
                    Text(tr(row.first), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant, modifier = Modifier.weight(1f))
                    Text(row.second, style = MaterialTheme.typography.bodyMedium, fontWeight = FontWeight.SemiBold)
                }
            }
        }
        if (s.verified) {
            MessageLine(Message(UiText("sample.withdrawal.verified"), Tone.SUCCESS))
        } else {
            Body(tr("sample.withdrawal.needs_passkey"))
            MessageLine(s.message)
            MainButton(tr("sample.withdrawal.confirm"), !s.busy, a::confirmWithdrawal)
        }
    }
}
