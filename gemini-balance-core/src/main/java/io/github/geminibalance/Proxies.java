package io.github.geminibalance;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.spi.HttpTransport;
import io.github.geminibalance.upstream.JdkHttpTransport;
import io.github.geminibalance.upstream.ProxyRouter;
import java.time.Clock;
import java.util.List;

/** The facade's side of {@code PROXIES}: the router it builds and the status it shows. */
final class Proxies {

    private Proxies() {}

    /**
     * Refuses proxies the JDK transport cannot use; called before anything is started.
     *
     * @param transport the transport given to the builder, or null for the JDK's
     * @throws ConfigException naming {@code PROXIES} for an https:// or socks5:// proxy with the JDK transport
     */
    static void check(GeminiBalanceConfig config, HttpTransport transport) {
        if (transport != null && !(transport instanceof JdkHttpTransport)) {
            return;
        }
        List<HttpTransport.Proxy> proxies = config.upstream().proxies();
        for (int i = 0; i < proxies.size(); i++) {
            if (!proxies.get(i).scheme().equals("http")) {
                throw new ConfigException("PROXIES", "PROXIES entry " + (i + 1) + " is a "
                        + proxies.get(i).scheme() + ":// proxy, which needs the server's transport: the JDK "
                        + "HTTP client of an embedded GeminiBalance supports http:// proxies only");
            }
        }
    }

    /** The router of {@code config}'s proxies. */
    static ProxyRouter router(GeminiBalanceConfig config, Clock clock) {
        List<HttpTransport.Proxy> proxies = config.upstream().proxies();
        return proxies.isEmpty() ? ProxyRouter.none()
                : new ProxyRouter(proxies, config.upstream().proxyByKey(), clock);
    }

    static List<ProxyStatus> status(ProxyRouter router) {
        return router.states().stream()
                .map(s -> new ProxyStatus(s.proxy().toString(), s.restingUntil() == null, s.restingUntil(), s.failures()))
                .toList();
    }
}
