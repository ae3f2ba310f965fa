package io.github.geminibalance.translate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.geminibalance.translate.ChatRequestTranslatorTest.parse;
import static io.github.geminibalance.translate.ChatRequestTranslatorTest.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.openai.ChatCompletionRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fetching remote images against a WireMock server on 127.0.0.1. */
class RemoteMediaFetcherTest {

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    private static final String PNG_BASE64 = Base64.getEncoder().encodeToString(PNG);
    private static final Predicate<InetAddress> IPV4_LOOPBACK_ONLY =
            a -> a.getHostAddress().equals("127.0.0.1");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void inlinesAFetchedImageAsADataUrlThatTheTranslatorSendsAsInlineData() {
        server.stubFor(get(urlPathEqualTo("/cat.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/PNG; charset=binary").withBody(PNG)));
        ChatCompletionRequest request = parse(imageRequest(url("/cat.png?sig=secret")));

        ChatCompletionRequest inlined = fetcher(1024).inline(request).join();
        GeminiChatRequest translated = new ChatRequestTranslator(
                new TranslationOptions(false, Set.of(), java.util.Map.of(), java.util.Map.of())).translate(inlined);

        assertThat(tree(translated.body())).isEqualTo(tree("""
                {"contents":[{"role":"user","parts":[
                  {"text":"What is this?"},
                  {"inlineData":{"mimeType":"image/png","data":"%s"}},
                  {"inlineData":{"mimeType":"image/gif","data":"R0lGOD=="}}]}],
                 "generationConfig":{"temperature":0.2}}""".formatted(PNG_BASE64)));
        assertThat(inlined.messages().get(0).content().parts().get(1).imageUrl().detail()).isEqualTo("low");
    }

    @Test
    void inliningKeepsEveryOtherFieldOfTheRequestAndItsMessages() {
        server.stubFor(get(urlPathEqualTo("/dog.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(PNG)));
        ChatCompletionRequest request = parse("""
                {"model":"gemini-2.5-flash","messages":[
                  {"role":"user","name":"alice","content":[{"type":"image_url","image_url":{"url":"%s"}}]},
                  {"role":"assistant","content":[{"type":"text","text":"Looking."}],"function_call":{"name":"f","arguments":"{}"}}],
                 "functions":[{"name":"f"}],"function_call":{"name":"f"},"web_search_options":{},
                 "parallel_tool_calls":false,"logprobs":true,"top_logprobs":2}""".formatted(url("/dog.png")));

        ChatCompletionRequest inlined = fetcher(1024).inline(request).join();

        assertThat(inlined).isNotSameAs(request);
        assertThat(inlined.messages().get(0).content().parts().get(0).imageUrl().url())
                .isEqualTo("data:image/png;base64," + PNG_BASE64);
        assertThat(tree(inlined.messages().get(1))).isEqualTo(tree(request.messages().get(1)));
        ObjectNode before = (ObjectNode) tree(request);
        ObjectNode after = (ObjectNode) tree(inlined);
        before.remove("messages");
        after.remove("messages");
        assertThat(after).isEqualTo(before);
        assertThat(after.has("functions")).isTrue();
        assertThat(after.has("function_call")).isTrue();
        assertThat(after.has("web_search_options")).isTrue();
        assertThat(inlined.messages().get(0).name()).isEqualTo("alice");
    }

    @Test
    void fetchesARepeatedUrlOnceAndFollowsRedirects() {
        server.stubFor(get("/old.png").willReturn(aResponse().withStatus(302).withHeader("Location", "/new.png")));
        server.stubFor(get("/new.png").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(PNG)));
        String url = url("/old.png");
        ChatCompletionRequest request = parse("""
                {"model":"gemini-2.5-flash","messages":[
                  {"role":"user","content":[{"type":"image_url","image_url":{"url":"%s"}}]},
                  {"role":"user","content":[{"type":"image_url","image_url":{"url":"%s"}}]}]}""".formatted(url, url));

        ChatCompletionRequest inlined = fetcher(1024).inline(request).join();

        assertThat(inlined.messages()).allSatisfy(m -> assertThat(m.content().parts().get(0).imageUrl().url())
                .isEqualTo("data:image/png;base64," + PNG_BASE64));
        server.verify(1, getRequestedFor(urlPathEqualTo("/old.png")));
        server.verify(1, getRequestedFor(urlPathEqualTo("/new.png")));
    }

    @Test
    void returnsARequestWithoutRemoteImagesUnchanged() {
        ChatCompletionRequest request = parse("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}""");

        assertThat(fetcher(1024).inline(request).join()).isSameAs(request);
    }

    @Test
    void refusesLoopbackByDefaultWithoutContactingIt() {
        server.stubFor(get(urlPathEqualTo("/cat.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(PNG)));
        RemoteMediaFetcher fetcher = new RemoteMediaFetcher(client, 1024, Duration.ofSeconds(5));

        assertThat(failure(fetcher, imageRequest(url("/cat.png"))))
                .hasMessageContaining("points to a private address")
                .satisfies(e -> assertThat(e.param()).contains("messages[0].content[1].image_url.url"));
        server.verify(0, getRequestedFor(urlPathEqualTo("/cat.png")));
    }

    @Test
    void refusesARedirectToAnAddressThePolicyRejects() {
        server.stubFor(get("/hop.png").willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://[::1]:" + server.getPort() + "/cat.png")));

        assertThat(failure(fetcher(1024), imageRequest(url("/hop.png"))))
                .hasMessageContaining("points to a private address");
    }

    @Test
    void refusesAnswersThatAreNotImagesNamingOnlyTheHost() {
        server.stubFor(get(urlPathEqualTo("/page")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html></html>")));

        InvalidRequestException e = failure(fetcher(1024), imageRequest(url("/page?token=hunter2")));

        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains("127.0.0.1", "text/html").doesNotContain("hunter2", "/page");
    }

    @Test
    void reportsANon2xxStatusNamingOnlyTheHost() {
        server.stubFor(get(urlPathEqualTo("/gone.png")).willReturn(aResponse().withStatus(404)));

        InvalidRequestException e = failure(fetcher(1024), imageRequest(url("/gone.png?token=hunter2")));

        assertThat(e.getMessage()).contains("HTTP 404", "127.0.0.1").doesNotContain("hunter2", "gone.png");
    }

    @Test
    void refusesAnImageLargerThanTheLimitByContentLength() {
        server.stubFor(get("/big.png").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withHeader("Content-Length", "4096")
                .withBody(new byte[4096])));

        InvalidRequestException e = failure(fetcher(1024), imageRequest(url("/big.png")));

        assertThat(e.code()).contains("image_too_large");
        assertThat(e.httpStatus()).isEqualTo(400);
    }

    @Test
    void refusesAnImageLargerThanTheLimitWhileStreamingIt() {
        server.stubFor(get("/chunked.png").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(new byte[4096])
                .withChunkedDribbleDelay(4, 40)));

        assertThat(failure(fetcher(1024), imageRequest(url("/chunked.png"))).code()).contains("image_too_large");
    }

    @Test
    void givesUpAfterTheTimeout() {
        server.stubFor(get("/slow.png").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(PNG).withFixedDelay(3000)));
        RemoteMediaFetcher fetcher = new RemoteMediaFetcher(client, 1024, Duration.ofMillis(200), IPV4_LOOPBACK_ONLY);

        assertThat(failure(fetcher, imageRequest(url("/slow.png")))).hasMessageContaining("timed out");
    }

    @Test
    void reportsAConnectionFailureAsA400() {
        RemoteMediaFetcher fetcher = fetcher(1024);
        String closedPort = "http://127.0.0.1:1/x.png";

        assertThat(failure(fetcher, imageRequest(closedPort))).hasMessageContaining("could not be fetched");
    }

    @Test
    void requiresAClientThatDoesNotFollowRedirects() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        assertThatThrownBy(() -> new RemoteMediaFetcher(following, 1024, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
            "100.64.0.1", "224.0.0.1", "::1", "fe80::1", "fd00::1", "::"})
    void theDefaultPolicyRejectsNonPublicAddresses(String literal) throws UnknownHostException {
        assertThat(RemoteMediaFetcher.isPublicAddress(InetAddress.getByName(literal))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "142.250.74.110", "100.128.0.1", "2001:4860:4860::8888"})
    void theDefaultPolicyAllowsPublicAddresses(String literal) throws UnknownHostException {
        assertThat(RemoteMediaFetcher.isPublicAddress(InetAddress.getByName(literal))).isTrue();
    }

    private RemoteMediaFetcher fetcher(long maxBytes) {
        return new RemoteMediaFetcher(client, maxBytes, Duration.ofSeconds(5), IPV4_LOOPBACK_ONLY);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.getPort() + path;
    }

    /** A user message with text, the given image URL (detail low) and an inline GIF. */
    private static String imageRequest(String url) {
        return """
                {"model":"gemini-2.5-flash","temperature":0.2,"messages":[{"role":"user","content":[
                  {"type":"text","text":"What is this?"},
                  {"type":"image_url","image_url":{"url":"%s","detail":"low"}},
                  {"type":"image_url","image_url":{"url":"data:image/gif;base64,R0lGOD=="}}]}]}""".formatted(url);
    }

    private static InvalidRequestException failure(RemoteMediaFetcher fetcher, String request) {
        try {
            fetcher.inline(parse(request)).join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(InvalidRequestException.class);
            return (InvalidRequestException) e.getCause();
        }
        throw new AssertionError("the fetch did not fail");
    }
}
