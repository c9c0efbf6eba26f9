package com.bingx.passkeys.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.text.input.VisualTransformation
import androidx.compose.ui.unit.dp

// The small parts every screen is made of. Texts come in as keys ([UiText]) and are looked up in
// the user's language here, in one place.

/** [text] in the user's language. */
@Composable
@ReadOnlyComposable
internal fun tr(text: UiText): String = LocalUiTexts.current.text(text)

/** The sample's text [key] (of i18n/sample.toml) with its placeholders' values. */
@Composable
@ReadOnlyComposable
internal fun tr(key: String, vararg args: Pair<String, String>): String = tr(UiText(key, args.toMap()))

/**
 * A screen: the top bar ([title], "Back" when [onBack] is given), a thin progress line while
 * [busy], and [content] in a scrolling column.
 */
@Composable
internal fun Page(
    title: String,
    busy: Boolean,
    onBack: (() -> Unit)?,
    modifier: Modifier = Modifier,
    content: @Composable ColumnScope.() -> Unit,
) {
    Column(modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        Surface(color = MaterialTheme.colorScheme.surface, shadowElevation = 1.dp) {
            Row(
                Modifier.fillMaxWidth().height(56.dp).padding(horizontal = 8.dp),
                verticalAlignment = Alignment.CenterVertically,
            ) {
                if (onBack != null) {
                    TextButton(onClick = onBack, enabled = !busy) { Text("‹ " + tr("sample.action.back")) }
                } else {
                    Spacer(Modifier.width(12.dp))
                }
                Text(title, style = MaterialTheme.typography.titleLarge, modifier = Modifier.padding(start = 4.dp))
            }
        }
        if (busy) {
            LinearProgressIndicator(Modifier.fillMaxWidth().height(3.dp))
        } else {
            Spacer(Modifier.height(3.dp))
        }
        Column(
            Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(horizontal = 20.dp, vertical = 16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
            content = content,
        )
    }
}

/** A line about what just happened: a refusal, an error, a confirmation. */
@Composable
internal fun MessageLine(message: Message?) {
    if (message == null) return
    val (container, content) = when (message.tone) {
        Tone.ERROR -> MaterialTheme.colorScheme.errorContainer to MaterialTheme.colorScheme.onErrorContainer
        Tone.SUCCESS -> SuccessContainer to OnSuccessContainer
        Tone.INFO -> MaterialTheme.colorScheme.primaryContainer to MaterialTheme.colorScheme.onPrimaryContainer
    }
    Surface(color = container, shape = RoundedCornerShape(10.dp), modifier = Modifier.fillMaxWidth()) {
        Text(tr(message.text), color = content, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(12.dp))
    }
}

/** A paragraph of body text. */
@Composable
internal fun Body(text: String, color: Color = MaterialTheme.colorScheme.onSurfaceVariant) {
    Text(text, style = MaterialTheme.typography.bodyLarge, color = color)
}

/** A text field; [secret] masks what is typed (passwords). */
@Composable
internal fun Field(
    label: String,
    value: String,
    onChange: (String) -> Unit,
    enabled: Boolean,
    secret: Boolean = false,
    keyboard: KeyboardType = KeyboardType.Text,
) {
    OutlinedTextField(
        value = value,
        onValueChange = onChange,
        label = { Text(label) },
        singleLine = true,
        enabled = enabled,
        visualTransformation = if (secret) PasswordVisualTransformation() else VisualTransformation.None,
        keyboardOptions = KeyboardOptions(keyboardType = if (secret) KeyboardType.Password else keyboard),
        modifier = Modifier.fillMaxWidth(),
    )
}

/** The screen's main button, full width. */
@Composable
internal fun MainButton(label: String, enabled: Boolean, onClick: () -> Unit) {
    Button(onClick = onClick, enabled = enabled, shape = RoundedCornerShape(10.dp), modifier = Modifier.fillMaxWidth().height(48.dp)) {
        Text(label, style = MaterialTheme.typography.titleSmall)
    }
}

/** A second choice, full width. */
@Composable
internal fun OtherButton(label: String, enabled: Boolean, modifier: Modifier = Modifier.fillMaxWidth(), color: Color? = null, onClick: () -> Unit) {
    OutlinedButton(onClick = onClick, enabled = enabled, shape = RoundedCornerShape(10.dp), modifier = modifier.height(48.dp)) {
        Text(label, style = MaterialTheme.typography.titleSmall, color = color ?: MaterialTheme.colorScheme.primary)
    }
}

/** A white card of rows or text. */
@Composable
internal fun Block(
    modifier: Modifier = Modifier,
    container: Color = MaterialTheme.colorScheme.surface,
    onClick: (() -> Unit)? = null,
    content: @Composable ColumnScope.() -> Unit,
) {
    Card(
        shape = RoundedCornerShape(14.dp),
        colors = CardDefaults.cardColors(containerColor = container),
        modifier = modifier.fillMaxWidth().let { if (onClick != null) it.clickable(onClick = onClick) else it },
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp), content = content)
    }
}

/** A small rounded label (a state: On, Synced, This device only). */
@Composable
internal fun Badge(text: String, container: Color, content: Color) {
    Surface(color = container, shape = RoundedCornerShape(50)) {
        Text(text, color = content, style = MaterialTheme.typography.labelMedium, modifier = Modifier.padding(horizontal = 10.dp, vertical = 3.dp))
    }
}

/** One passkey's details, as the Passkeys page, Manage and Enable's end show them. */
@Composable
internal fun PasskeyCard(row: PasskeyRow, onClick: (() -> Unit)?) {
    val dates = LocalDateText.current
    Block(onClick = onClick) {
        Row(verticalAlignment = Alignment.CenterVertically) {
            KeyMark(Modifier.size(36.dp))
            Spacer(Modifier.width(12.dp))
            Column(Modifier.weight(1f)) {
                Text(row.name, style = MaterialTheme.typography.titleMedium)
                Text(row.provider, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            if (row.synced) {
                Badge(tr("sample.passkeys.synced"), SuccessContainer, OnSuccessContainer)
            } else {
                Badge(tr("sample.passkeys.device_only"), WarningContainer, OnWarningContainer)
            }
        }
        Text(
            tr("sample.passkeys.added", "date" to dates.format(row.added)),
            style = MaterialTheme.typography.bodySmall,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
        )
        Text(
            row.lastUsed?.let { tr("sample.passkeys.last_used", "date" to dates.format(it)) } ?: tr("sample.passkeys.never_used"),
            style = MaterialTheme.typography.bodySmall,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
        )
    }
}

/**
 * A passkey the account already has, on Enable's first step: its name, password manager and
 * when it was added (as [PasskeyCard] says them), and its Keep switch ([ExistingPasskey.keep],
 * off at first); [onKeep] gets the switch's new position.
 */
@Composable
internal fun KeepPasskeyRow(existing: ExistingPasskey, enabled: Boolean, onKeep: (Boolean) -> Unit) {
    val row = existing.passkey
    Block {
        Row(verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                Text(row.name, style = MaterialTheme.typography.titleMedium)
                Text(row.provider, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                Text(
                    tr("sample.passkeys.added", "date" to LocalDateText.current.format(row.added)),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                )
            }
            Spacer(Modifier.width(12.dp))
            Column(horizontalAlignment = Alignment.CenterHorizontally) {
                Text(tr("sample.enable.keep"), style = MaterialTheme.typography.labelMedium)
                Switch(checked = existing.keep, onCheckedChange = onKeep, enabled = enabled)
            }
        }
    }
}

/** The health card: at risk (warning colours) or fine, what to do, the nudge and "Not now". */
@Composable
internal fun HealthBlock(health: HealthCard, enabled: Boolean, onDismissNudge: (() -> Unit)?) {
    val container = if (health.atRisk) WarningContainer else SuccessContainer
    val content = if (health.atRisk) OnWarningContainer else OnSuccessContainer
    Block(container = container) {
        Text(tr("sample.passkeys.health"), style = MaterialTheme.typography.titleSmall, color = content)
        Text(tr(health.headline), style = MaterialTheme.typography.bodyMedium, color = content)
        health.action?.let { Text(tr(it), style = MaterialTheme.typography.bodyMedium, color = content, fontWeight = FontWeight.SemiBold) }
        if (health.nudge) {
            Text(tr(UiText("health.nudge")), style = MaterialTheme.typography.bodySmall, color = content)
            if (onDismissNudge != null) {
                TextButton(onClick = onDismissNudge, enabled = enabled) { Text(tr("sample.passkeys.dismiss")) }
            }
        }
    }
}

/** A passkey's mark: a key in a blue circle, drawn (no icon font needed). */
@Composable
internal fun KeyMark(modifier: Modifier) {
    val blue = BingXBlue
    val light = MaterialTheme.colorScheme.primaryContainer
    Canvas(modifier) {
        val r = size.minDimension / 2
        drawCircle(light, r)
        val stroke = Stroke(width = r * 0.16f)
        val head = Offset(center.x - r * 0.22f, center.y - r * 0.1f)
        drawCircle(blue, r * 0.26f, head, style = stroke)
        val start = Offset(head.x + r * 0.2f, head.y + r * 0.2f)
        val end = Offset(center.x + r * 0.45f, center.y + r * 0.45f)
        drawLine(blue, start, end, strokeWidth = r * 0.16f)
        drawLine(blue, Offset(end.x - r * 0.16f, end.y - r * 0.16f), Offset(end.x - r * 0.02f, end.y - r * 0.3f), strokeWidth = r * 0.14f)
    }
}

/** A round mark for the password manager's sheet and Enable's end: rings (a fingerprint's hint) or a tick. */
@Composable
internal fun RoundMark(tick: Boolean, modifier: Modifier = Modifier.size(72.dp)) {
    val blue = BingXBlue
    val green = OnSuccessContainer
    Box(modifier, contentAlignment = Alignment.Center) {
        Canvas(Modifier.fillMaxSize()) {
            val r = size.minDimension / 2
            if (tick) {
                drawCircle(SuccessContainer, r)
                val w = r * 0.14f
                drawLine(green, Offset(center.x - r * 0.42f, center.y), Offset(center.x - r * 0.1f, center.y + r * 0.32f), strokeWidth = w)
                drawLine(green, Offset(center.x - r * 0.1f, center.y + r * 0.32f), Offset(center.x + r * 0.45f, center.y - r * 0.3f), strokeWidth = w)
            } else {
                drawCircle(blue.copy(alpha = 0.12f), r)
                for (i in 1..4) {
                    val ring = r * (0.2f + 0.16f * i)
                    drawArc(
                        blue,
                        startAngle = 200f - i * 6f,
                        sweepAngle = 140f + i * 12f,
                        useCenter = false,
                        topLeft = Offset(center.x - ring, center.y - ring),
                        size = Size(ring * 2, ring * 2),
                        style = Stroke(width = r * 0.07f),
                    )
                }
            }
        }
    }
}
