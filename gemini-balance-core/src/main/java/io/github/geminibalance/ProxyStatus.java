package io.github.geminibalance;

import java.time.Instant;

/**
 * One configured upstream proxy ({@code PROXIES}) as the admin API and health show it.
 *
 * @param url the proxy's URL with its credentials masked, such as {@code socks5://***:***@10.0.0.2:1080}
 * @param healthy whether calls go through it first (false while it rests after a failure)
 * @param restingUntil when it is tried first again, or {@code null} when healthy
 * @param failures how many calls could not get through it since start-up
 */
public record ProxyStatus(String url, boolean healthy, Instant restingUntil, long failures) {}
