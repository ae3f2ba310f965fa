package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link AdminSessions} on a clock the test moves: expiry, forgery, CSRF tokens, revocation and its bound. */
class AdminSessionsTest {

    private static final String TOKEN = "admin-token-for-sessions-test";
    private static final Duration HOUR = Duration.ofHours(1);

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-06-01T12:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final AdminSessions sessions = new AdminSessions(TOKEN, HOUR, clock);

    @Test
    void aSessionLastsUntilItsEndAndNoLonger() {
        AdminSessions.Session session = sessions.issue();
        String cookie = sessions.cookieValue(session);
        assertThat(cookie).doesNotContain(TOKEN);
        assertThat(session.expiresAt()).isEqualTo(Instant.parse("2026-06-01T13:00:00Z"));

        assertThat(sessions.verify(cookie)).isEqualTo(session);
        now.set(now.get().plus(Duration.ofMinutes(59)));
        assertThat(sessions.verify(cookie)).isEqualTo(session);
        now.set(now.get().plus(Duration.ofMinutes(1)));
        assertThat(sessions.verify(cookie)).as("at its end").isNull();
    }

    @Test
    void onlyTheSameTokenVerifies() {
        String cookie = sessions.cookieValue(sessions.issue());
        assertThat(new AdminSessions(TOKEN, HOUR, clock).verify(cookie)).as("another instance").isNotNull();
        assertThat(new AdminSessions(TOKEN + "x", HOUR, clock).verify(cookie)).isNull();
        assertThat(new AdminSessions(null, HOUR, clock).verify(cookie)).as("admin off").isNull();
        assertThatThrownBy(() -> new AdminSessions(null, HOUR, clock).issue()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void malformedValuesAreRefused() {
        for (String bad : new String[] {null, "", ".", "v1...", "v1.a.b.c", "v1." + "A".repeat(22) + ".1.x",
                "v1." + "A".repeat(22) + ".99999999999999." + "A".repeat(43), "é".repeat(30)}) {
            assertThat(sessions.verify(bad)).as(String.valueOf(bad)).isNull();
        }
    }

    @Test
    void csrfTokensBelongToTheirSession() {
        AdminSessions.Session one = sessions.issue();
        AdminSessions.Session two = sessions.issue();
        assertThat(sessions.csrfToken(one)).isNotEqualTo(sessions.csrfToken(two)).doesNotContain(TOKEN);
        assertThat(sessions.csrfMatches(one, sessions.csrfToken(one))).isTrue();
        assertThat(sessions.csrfMatches(one, sessions.csrfToken(two))).isFalse();
        assertThat(sessions.csrfMatches(one, null)).isFalse();
        assertThat(sessions.csrfMatches(one, "")).isFalse();
        // the CSRF token is not a cookie signature: it cannot stand in for one
        String cookie = sessions.cookieValue(one);
        String forged = cookie.substring(0, cookie.lastIndexOf('.') + 1) + sessions.csrfToken(one);
        assertThat(sessions.verify(forged)).isNull();
    }

    @Test
    void revocationEndsASessionAndIsBounded() {
        AdminSessions.Session session = sessions.issue();
        String cookie = sessions.cookieValue(session);
        sessions.revoke(session);
        assertThat(sessions.verify(cookie)).isNull();
        assertThat(sessions.verify(sessions.cookieValue(sessions.issue()))).as("others go on").isNotNull();

        for (int i = 0; i < AdminSessions.MAX_REVOKED + 50; i++) {
            sessions.revoke(sessions.issue());
        }
        assertThat(sessions.revokedCount()).isEqualTo(AdminSessions.MAX_REVOKED);

        // revocations of ended sessions are dropped
        now.set(now.get().plus(HOUR).plusSeconds(1));
        sessions.revoke(sessions.issue());
        assertThat(sessions.revokedCount()).isEqualTo(1);
    }
}
