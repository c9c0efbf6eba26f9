package com.bingx.passkeys.android.store

/**
 * The folder of one server environment's entries: apps that build clients for more than one
 * server (an internal build's environment switch) keep each server's session, account and policy
 * apart, so that no client ever sends one server's session to another.
 */
public object StoreFolder {
    /** The folder of the default environment (and of the releases before environments). */
    public const val DEFAULT: String = "bingx-passkeys-store"

    /** Longest environment name, in characters. */
    public const val MAX_ENVIRONMENT_LENGTH: Int = 64

    /**
     * The folder name for `environment`: [DEFAULT] for `""`, else `"$DEFAULT-$environment"`.
     * Throws [IllegalArgumentException] unless the name is at most [MAX_ENVIRONMENT_LENGTH]
     * ASCII letters, digits, `.`, `_` or `-`, and not `.` or `..`.
     */
    public fun name(environment: String): String {
        require(
            environment.length <= MAX_ENVIRONMENT_LENGTH &&
                environment.all { it in 'a'..'z' || it in 'A'..'Z' || it in '0'..'9' || it in "._-" } &&
                environment != "." && environment != "..",
        ) { "an environment name is at most $MAX_ENVIRONMENT_LENGTH ASCII letters, digits, '.', '_' or '-'" }
        return if (environment.isEmpty()) DEFAULT else "$DEFAULT-$environment"
    }
}
