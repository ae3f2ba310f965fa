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
import io.github.geminibalance.config.MediaLimits;
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
        RemoteMediaFetcher fetcher = new RemoteMediaFetcher(client, limits(16, 1024, 4096), Duration.ofSeconds(5));

        assertThat(failure(fetcher, imageRequest(url("/cat.png")))).satisfies(RemoteMediaFetcherTest::uniform);
        server.verify(0, getRequestedFor(urlPathEqualTo("/cat.png")));
        server.verify(0, getRequestedFor(urlPathEqualTo("/cat.png")));
    }

    @Test
    void refusesARedirectToAnAddressThePolicyRejects() {
        server.stubFor(get("/hop.png").willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://[::1]:" + server.getPort() + "/cat.png")));

        assertThat(failure(fetcher(1024), imageRequest(url("/hop.png")))).satisfies(RemoteMediaFetcherTest::uniform);
    }

    @Test
    void refusesAnswersThatAreNotImagesNamingOnlyTheHost() {
        server.stubFor(get(urlPathEqualTo("/page")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html></html>")));

        InvalidRequestException e = failure(fetcher(1024), imageRequest(url("/page?token=hunter2")));

        uniform(e);
        assertThat(e.getMessage()).doesNotContain("hunter2", "/page", "text/html");
    }

    @Test
    void reportsANon2xxStatusNamingOnlyTheHost() {
        server.stubFor(get(urlPathEqualTo("/gone.png")).willReturn(aResponse().withStatus(404)));

        InvalidRequestException e = failure(fetcher(1024), imageRequest(url("/gone.png?token=hunter2")));

        uniform(e);
        assertThat(e.getMessage()).doesNotContain("404", "hunter2", "gone.png");
    }

    @Test
    void refusesAnImageLargerThanTheLimitByContentLength() {
        server.stubFor(get("/big.png").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withHeader("Content-Length", "4096")
                .withBody(new byte[4096])));

        InvalidRequestException e = failure(fetcher(1024), imageRequest(url("/big.png")));

        assertThat(e.code()).contains("image_too_large");
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("The image at image_url host 127.0.0.1 is larger than 1 KiB,"
                + " the limit per image (MAX_MEDIA_BYTES).");
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
        RemoteMediaFetcher fetcher = new RemoteMediaFetcher(client, limits(16, 1024, 4096), Duration.ofMillis(200),
                IPV4_LOOPBACK_ONLY);

        assertThat(failure(fetcher, imageRequest(url("/slow.png")))).satisfies(RemoteMediaFetcherTest::uniform);
    }

    @Test
    void reportsAConnectionFailureAsA400() {
        RemoteMediaFetcher fetcher = fetcher(1024);
        String closedPort = "http://127.0.0.1:1/x.png";

        assertThat(failure(fetcher, imageRequest(closedPort))).satisfies(RemoteMediaFetcherTest::uniform);
    }

    @Test
    void refusesMoreDistinctUrlsThanTheLimitBeforeFetchingAny() {
        server.stubFor(get(urlPathEqualTo("/n.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(PNG)));
        StringBuilder parts = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            parts.append(i == 0 ? "" : ",").append("{\"type\":\"image_url\",\"image_url\":{\"url\":\"")
                    .append(url("/n.png?i=" + i)).append("\"}}");
        }
        String request = """
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[%s]}]}""".formatted(parts);

        InvalidRequestException e = failure(fetcher(limits(16, 1024, 4096)), request);

        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo(
                "The request has 40 remote media URLs; at most 16 are fetched per request (MAX_REMOTE_MEDIA).");
        assertThat(e.param()).contains("messages[0].content[16].image_url.url");
        server.verify(0, getRequestedFor(urlPathEqualTo("/n.png")));
    }

    @Test
    void aRepeatedUrlCountsOnceAgainstTheLimit() {
        server.stubFor(get(urlPathEqualTo("/same.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(PNG)));
        String part = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url("/same.png") + "\"}}";
        String request = """
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[%s,%s,%s]}]}"""
                .formatted(part, part, part);

        ChatCompletionRequest inlined = fetcher(limits(1, 1024, 1024)).inline(parse(request)).join();

        assertThat(inlined.messages().get(0).content().parts()).allSatisfy(p -> assertThat(p.imageUrl().url())
                .isEqualTo("data:image/png;base64," + PNG_BASE64));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void refusesARequestWhoseImagesTogetherExceedTheTotal(boolean declaredLength) {
        for (int i = 0; i < 3; i++) {
            var response = aResponse().withStatus(200).withHeader("Content-Type", "image/png")
                    .withBody(new byte[600]);
            server.stubFor(get("/part" + i + ".png").willReturn(declaredLength ? response
                    : response.withChunkedDribbleDelay(3, 30)));
        }
        String request = """
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"text","text":"three"},
                  {"type":"image_url","image_url":{"url":"%s"}},
                  {"type":"image_url","image_url":{"url":"%s"}},
                  {"type":"image_url","image_url":{"url":"%s"}}]}]}"""
                .formatted(url("/part0.png"), url("/part1.png"), url("/part2.png"));

        InvalidRequestException e = failure(fetcher(limits(16, 1024, 1500)), request);

        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.code()).contains("images_too_large");
        assertThat(e.getMessage()).isEqualTo("The remote images of this request are larger than 1500 bytes"
                + " together, the limit per request (MAX_MEDIA_TOTAL_BYTES).");
        assertThat(e.param().orElseThrow()).matches("messages\\[0]\\.content\\[[1-3]]\\.image_url\\.url");
    }

    @Test
    void imagesWithinTheTotalAreAllInlined() {
        server.stubFor(get(urlPathEqualTo("/ok.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(new byte[500])));
        StringBuilder parts = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            parts.append(i == 0 ? "" : ",").append("{\"type\":\"image_url\",\"image_url\":{\"url\":\"")
                    .append(url("/ok.png?i=" + i)).append("\"}}");
        }
        String request = """
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[%s]}]}""".formatted(parts);

        ChatCompletionRequest inlined = fetcher(limits(6, 500, 3000)).inline(parse(request)).join();

        assertThat(inlined.messages().get(0).content().parts()).hasSize(6)
                .allSatisfy(p -> assertThat(p.imageUrl().url()).startsWith("data:image/png;base64,AAAA"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.18.0.1", "198.19.255.254", "240.0.0.1", "255.255.255.255", "192.0.0.8",
            "192.0.2.1", "100.64.0.1", "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::1]", "[fe80::1]",
            "[2001:db8::1]", "[2001::1]", "[100::1]"})
    void refusesRedirectsIntoTheNewlyBlockedRangesWithTheUniformMessage(String target) {
        server.stubFor(get(urlPathEqualTo("/jump.png")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://" + target + ":" + server.getPort() + "/cat.png")));
        // the local test server is allowed; every other address must pass the real policy
        Predicate<InetAddress> policy = IPV4_LOOPBACK_ONLY.or(PublicAddressPolicy::isGlobal);
        RemoteMediaFetcher fetcher = new RemoteMediaFetcher(client, limits(16, 1024, 4096), Duration.ofSeconds(5),
                policy);

        assertThat(failure(fetcher, imageRequest(url("/jump.png?sig=x")))).satisfies(RemoteMediaFetcherTest::uniform);
    }

    @Test
    void aHostThatDoesNotResolveGetsTheUniformMessage() {
        InvalidRequestException e = failure(fetcher(1024), imageRequest("http://no-such-host.invalid/x.png"));

        assertThat(e.getMessage()).isEqualTo("The image at image_url host no-such-host.invalid could not be fetched.");
        assertThat(e.code()).contains("invalid_image_url");
    }

    @Test
    void aTlsFailureGetsTheUniformMessage() {
        String plainHttpPortOverTls = "https://127.0.0.1:" + server.getPort() + "/cat.png";

        assertThat(failure(fetcher(1024), imageRequest(plainHttpPortOverTls))).satisfies(RemoteMediaFetcherTest::uniform);
    }

    @Test
    void anInvalidUrlIsNamedBeforeAnythingIsFetched() {
        InvalidRequestException e = failure(fetcher(1024), imageRequest("http://exa mple.com/x.png"));

        assertThat(e.getMessage()).isEqualTo("The image URL is not a valid URL.");
        assertThat(e.param()).contains("messages[0].content[1].image_url.url");
    }

    @Test
    void requiresAClientThatDoesNotFollowRedirects() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        assertThatThrownBy(() -> new RemoteMediaFetcher(following, MediaLimits.DEFAULTS, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private RemoteMediaFetcher fetcher(long maxBytes) {
        return fetcher(limits(16, maxBytes, 50 * maxBytes));
    }

    private RemoteMediaFetcher fetcher(MediaLimits limits) {
        return new RemoteMediaFetcher(client, limits, Duration.ofSeconds(5), IPV4_LOOPBACK_ONLY);
    }

    private static MediaLimits limits(int items, long itemBytes, long totalBytes) {
        return new MediaLimits(items, itemBytes, totalBytes);
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

    /** The one message of every fetch failure that could tell something about the network. */
    static void uniform(InvalidRequestException e) {
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.code()).contains("invalid_image_url");
        assertThat(e.param()).contains("messages[0].content[1].image_url.url");
        assertThat(e.getMessage()).isEqualTo("The image at image_url host 127.0.0.1 could not be fetched.");
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
