package io.github.geminibalance.testing;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The WireMock extension behind the fake's request-dependent answers (embeddings, model pages). A stub
 * names its handler by id in a transformer parameter, so handlers stay plain typed Java lambdas
 * instead of response templates.
 */
final class DynamicResponses implements ResponseDefinitionTransformerV2 {

    static final String NAME = "fake-gemini-dynamic";
    private static final String HANDLER = "handler";

    private final Map<String, Function<Request, ResponseDefinition>> handlers = new ConcurrentHashMap<>();

    /** A response that WireMock will compute by calling {@code handler} with the request. */
    ResponseDefinitionBuilder response(Function<Request, ResponseDefinition> handler) {
        String id = UUID.randomUUID().toString();
        handlers.put(id, handler);
        return ResponseDefinitionBuilder.responseDefinition()
                .withTransformers(NAME)
                .withTransformerParameter(HANDLER, id);
    }

    void clear() {
        handlers.clear();
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        String id = serveEvent.getTransformerParameters().getString(HANDLER, null);
        Function<Request, ResponseDefinition> handler = id == null ? null : handlers.get(id);
        if (handler == null) {
            return serveEvent.getResponseDefinition();
        }
        return handler.apply(serveEvent.getRequest());
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }
}
