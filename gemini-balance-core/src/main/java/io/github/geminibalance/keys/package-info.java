/**
 * The key pool: {@code KeyPool} hands out leases, applies verdicts and keeps the store in step;
 * {@code KeySelector} picks keys, {@code KeyEntry} holds one key's health, {@code KeyUsage} its daily
 * counts; {@code KeyChecker} re-validates keys.
 *
 * <p><b>Not API.</b> The core's module descriptor does not export this package: its types may change in
 * any release. Code outside the core (the server, the examples, applications) uses the exported packages
 * only; on the class path, where the JVM does not enforce this, the build does ({@code ModuleBoundary}).
 */
package io.github.geminibalance.keys;
