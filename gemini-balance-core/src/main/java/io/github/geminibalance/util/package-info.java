/**
 * Small text utilities for adapters: {@link io.github.geminibalance.util.LogText} makes client-controlled text
 * safe for a log line, {@link io.github.geminibalance.util.Secrets} masks API keys.
 */
package io.github.geminibalance.util;
