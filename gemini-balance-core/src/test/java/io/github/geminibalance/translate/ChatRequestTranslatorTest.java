package io.github.geminibalance.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ChatCompletionRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenAI request in, exact Gemini request body out. Each row of {@link #cases()} is one mapping rule;
 * each row of {@link #invalid()} one 400.
 */
class ChatRequestTranslatorTest {

    private static final TranslationOptions PLAIN = new TranslationOptions(false, Set.of(), Map.of(), Map.of());

    /** A tool-call id as this proxy mints it for a Gemini 3 call: Gemini id k2v9x1qa, signature "signature". */
    private static final String SIGNED_ID = "call_gk2v9x1qa.c2lnbmF0dXJl";
    private static final String PLAIN_GEMINI_ID = "call_gp7d3m0zs";

    static Stream<Arguments> cases() {
        return Stream.of(
                row("a user string becomes a user turn", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}]}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"""),

                row("system and developer messages, anywhere, join the system instruction in order", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[
                          {"role":"system","content":"Be brief."},
                          {"role":"user","content":"Hi"},
                          {"role":"developer","content":[{"type":"text","text":"Use English."},{"type":"text","text":"No emoji."}]}]}""", """
                        {"systemInstruction":{"parts":[{"text":"Be brief."},{"text":"Use English.\\nNo emoji."}]},
                         "contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"""),

                row("a system-only request gets a placeholder user turn", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"system","content":"Say hello."}]}""", """
                        {"systemInstruction":{"parts":[{"text":"Say hello."}]},
                         "contents":[{"role":"user","parts":[{"text":"."}]}]}"""),

                row("assistant becomes model and same-role neighbours merge", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[
                          {"role":"user","content":"a"},
                          {"role":"user","content":[{"type":"text","text":"b"},{"type":"text","text":"c"}]},
                          {"role":"assistant","content":"d"},
                          {"role":"assistant","content":[{"type":"refusal","refusal":"e"}]},
                          {"role":"user","content":"f","name":"alice"}]}""", """
                        {"contents":[
                          {"role":"user","parts":[{"text":"a"},{"text":"b"},{"text":"c"}]},
                          {"role":"model","parts":[{"text":"d"},{"text":"e"}]},
                          {"role":"user","parts":[{"text":"f"}]}]}"""),

                row("empty text parts and the messages they empty are dropped", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[
                          {"role":"user","content":[{"type":"text","text":""},{"type":"text","text":"x"}]},
                          {"role":"assistant","content":""},
                          {"role":"assistant","content":null},
                          {"role":"system","content":""},
                          {"role":"user","content":"y"}]}""", """
                        {"contents":[{"role":"user","parts":[{"text":"x"},{"text":"y"}]}]}"""),

                row("an image data URL becomes inlineData (image/jpg normalised)", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                          {"type":"text","text":"What is this?"},
                          {"type":"image_url","image_url":{"url":"data:image/jpg;base64,/9j/4AAQ","detail":"high"}}]}]}""", """
                        {"contents":[{"role":"user","parts":[
                          {"text":"What is this?"},
                          {"inlineData":{"mimeType":"image/jpeg","data":"/9j/4AAQ"}}]}]}"""),

                row("input_audio becomes inlineData audio/<format>", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                          {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
                          {"type":"input_audio","input_audio":{"data":"SUQz","format":"mp3"}},
                          {"type":"input_audio","input_audio":{"data":"ZkxhQw==","format":"FLAC"}}]}]}""", """
                        {"contents":[{"role":"user","parts":[
                          {"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}},
                          {"inlineData":{"mimeType":"audio/mp3","data":"SUQz"}},
                          {"inlineData":{"mimeType":"audio/flac","data":"ZkxhQw=="}}]}]}"""),

                row("file parts: data URL, raw base64 typed by file name, raw base64 defaulting to PDF", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                          {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"a.bin"}},
                          {"type":"file","file":{"file_data":"aGVsbG8=","filename":"notes.TXT"}},
                          {"type":"file","file":{"file_data":"JVBERi0="}}]}]}""", """
                        {"contents":[{"role":"user","parts":[
                          {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}},
                          {"inlineData":{"mimeType":"text/plain","data":"aGVsbG8="}},
                          {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}}]}]}"""),

                row("Gemini 3 tool round trip: ids and signatures restored, responses in call order", PLAIN, """
                        {"model":"gemini-3-flash-preview","messages":[
                          {"role":"user","content":"Weather in Oslo and Bergen?"},
                          {"role":"assistant","content":null,"tool_calls":[
                            {"id":"%s","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}},
                            {"id":"%s","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Bergen\\"}"}}]},
                          {"role":"tool","tool_call_id":"%s","content":"sunny"},
                          {"role":"tool","tool_call_id":"%s","content":"{\\"temp\\":3}"}]}"""
                        .formatted(SIGNED_ID, PLAIN_GEMINI_ID, PLAIN_GEMINI_ID, SIGNED_ID), """
                        {"contents":[
                          {"role":"user","parts":[{"text":"Weather in Oslo and Bergen?"}]},
                          {"role":"model","parts":[
                            {"functionCall":{"name":"get_weather","args":{"city":"Oslo"},"id":"k2v9x1qa"},"thoughtSignature":"c2lnbmF0dXJl"},
                            {"functionCall":{"name":"get_weather","args":{"city":"Bergen"},"id":"p7d3m0zs"}}]},
                          {"role":"user","parts":[
                            {"functionResponse":{"name":"get_weather","response":{"temp":3},"id":"k2v9x1qa"}},
                            {"functionResponse":{"name":"get_weather","response":{"result":"sunny"},"id":"p7d3m0zs"}}]}]}"""),

                row("Gemini 3 call without a known signature gets the skip sentinel on the first call only", PLAIN, """
                        {"model":"gemini-3-pro-preview","messages":[
                          {"role":"user","content":"Go"},
                          {"role":"assistant","content":"Calling.","tool_calls":[
                            {"id":"call_abc123","type":"function","function":{"name":"a","arguments":""}},
                            {"id":"toolu_02","type":"function","function":{"name":"b","arguments":"{}"}}]},
                          {"role":"tool","tool_call_id":"call_abc123","content":[{"type":"text","text":"ok"}]},
                          {"role":"tool","tool_call_id":"toolu_02","content":"42"}]}""", """
                        {"contents":[
                          {"role":"user","parts":[{"text":"Go"}]},
                          {"role":"model","parts":[
                            {"text":"Calling."},
                            {"functionCall":{"name":"a","args":{}},"thoughtSignature":"skip_thought_signature_validator"},
                            {"functionCall":{"name":"b","args":{}}}]},
                          {"role":"user","parts":[
                            {"functionResponse":{"name":"a","response":{"result":"ok"}}},
                            {"functionResponse":{"name":"b","response":{"result":42}}}]}]}"""),

                row("Gemini 2.5 history without signatures gets no sentinel", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[
                          {"role":"user","content":"Go"},
                          {"role":"assistant","tool_calls":[{"id":"call_rAbCdEfGhIjKlMnOpQrStUvWx","type":"function","function":{"name":"a","arguments":"{\\"x\\":[1,2]}"}}]},
                          {"role":"tool","tool_call_id":"call_rAbCdEfGhIjKlMnOpQrStUvWx","content":"[1,2]"},
                          {"role":"user","content":"Thanks"}]}""", """
                        {"contents":[
                          {"role":"user","parts":[{"text":"Go"}]},
                          {"role":"model","parts":[{"functionCall":{"name":"a","args":{"x":[1,2]}}}]},
                          {"role":"user","parts":[
                            {"functionResponse":{"name":"a","response":{"result":[1,2]}}},
                            {"text":"Thanks"}]}]}"""),

                row("a call left unanswered in a tool group gets an error response", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[
                          {"role":"user","content":"Go"},
                          {"role":"assistant","tool_calls":[
                            {"id":"c1","type":"function","function":{"name":"a","arguments":"{}"}},
                            {"id":"c2","type":"function","function":{"name":"b","arguments":"{}"}}]},
                          {"role":"tool","tool_call_id":"c2","content":""}]}""", """
                        {"contents":[
                          {"role":"user","parts":[{"text":"Go"}]},
                          {"role":"model","parts":[{"functionCall":{"name":"a","args":{}}},{"functionCall":{"name":"b","args":{}}}]},
                          {"role":"user","parts":[
                            {"functionResponse":{"name":"a","response":{"error":"No result was provided for this call."}}},
                            {"functionResponse":{"name":"b","response":{"result":""}}}]}]}"""),

                row("the legacy function role becomes a functionResponse", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[
                          {"role":"user","content":"Time?"},
                          {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
                          {"role":"function","name":"get_time","content":"12:00"}]}""", """
                        {"contents":[
                          {"role":"user","parts":[{"text":"Time?"}]},
                          {"role":"model","parts":[{"functionCall":{"name":"get_time","args":{}}}]},
                          {"role":"user","parts":[{"functionResponse":{"name":"get_time","response":{"result":"12:00"}}}]}]}"""),

                row("a history that starts with a model function call gets a user turn first", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[
                          {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"a","arguments":"{}"}}]},
                          {"role":"tool","tool_call_id":"c1","content":"{\\"ok\\":true}"}]}""", """
                        {"contents":[
                          {"role":"user","parts":[{"text":"."}]},
                          {"role":"model","parts":[{"functionCall":{"name":"a","args":{}}}]},
                          {"role":"user","parts":[{"functionResponse":{"name":"a","response":{"ok":true}}}]}]}"""),

                row("sampling and limits map to generationConfig", PLAIN, """
                        {"model":"gemini-2.0-flash","messages":[{"role":"user","content":"Hi"}],
                         "temperature":0.5,"top_p":0.9,"top_k":40,"n":2,"max_tokens":100,"stop":"END","seed":7,
                         "presence_penalty":0.0,"frequency_penalty":0.5,"logprobs":true,"top_logprobs":3}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "generationConfig":{"temperature":0.5,"topP":0.9,"topK":40,"candidateCount":2,
                           "maxOutputTokens":100,"stopSequences":["END"],"seed":7,"frequencyPenalty":0.5,
                           "responseLogprobs":true,"logprobs":3}}"""),

                row("max_completion_tokens wins over max_tokens; n=1 and empty stops are not sent", PLAIN, """
                        {"model":"gemini-2.0-flash","messages":[{"role":"user","content":"Hi"}],
                         "max_tokens":100,"max_completion_tokens":300,"n":1,"stop":["","###","STOP"],"frequency_penalty":0}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "generationConfig":{"maxOutputTokens":300,"stopSequences":["###","STOP"]}}"""),

                row("response_format json_object sets the JSON mime type", PLAIN, """
                        {"model":"gemini-2.0-flash","messages":[{"role":"user","content":"Hi"}],
                         "response_format":{"type":"json_object"}}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "generationConfig":{"responseMimeType":"application/json"}}"""),

                row("response_format json_schema sends the full schema as responseJsonSchema", PLAIN, """
                        {"model":"gemini-2.0-flash","messages":[{"role":"user","content":"Hi"}],
                         "response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,
                           "schema":{"type":"object","additionalProperties":false,"properties":{"n":{"type":["integer","null"]}},"required":["n"]}}}}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "generationConfig":{"responseMimeType":"application/json",
                           "responseJsonSchema":{"type":"object","additionalProperties":false,"properties":{"n":{"type":["integer","null"]}},"required":["n"]}}}"""),

                row("response_format text sends nothing", PLAIN, """
                        {"model":"gemini-2.0-flash","messages":[{"role":"user","content":"Hi"}],
                         "response_format":{"type":"text"}}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"""),

                row("a tool schema in OpenAPI reach is sanitised into parameters", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],
                         "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","strict":true,
                           "parameters":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","title":"Args",
                             "additionalProperties":false,
                             "properties":{
                               "city":{"type":"string","description":"City name","default":"Oslo","format":"hostname"},
                               "unit":{"type":"string","const":"celsius"},
                               "when":{"type":["string","null"],"format":"date-time"},
                               "days":{"type":"integer","format":"int32","minimum":1,"maximum":14},
                               "tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"maxItems":3,"uniqueItems":true}},
                             "required":["city"]}}}]}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather",
                           "parameters":{"type":"object",
                             "properties":{
                               "city":{"type":"string","description":"City name"},
                               "unit":{"type":"string","enum":["celsius"]},
                               "when":{"type":"string","nullable":true,"format":"date-time"},
                               "days":{"type":"integer","format":"int32","minimum":1,"maximum":14},
                               "tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"maxItems":3}},
                             "required":["city"]}}]}]}"""),

                row("no-argument tools send no parameters", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],
                         "tools":[
                           {"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{},"additionalProperties":false}}},
                           {"type":"function","function":{"name":"ping"}}]}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "tools":[{"functionDeclarations":[{"name":"now"},{"name":"ping"}]}]}"""),

                row("schemas beyond the OpenAPI subset go unchanged to parametersJsonSchema", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],
                         "tools":[
                           {"type":"function","function":{"name":"tree","parameters":{"type":"object",
                             "properties":{"node":{"$ref":"#/$defs/node"}},"$defs":{"node":{"type":"object","properties":{"v":{"type":"string"}}}}}}},
                           {"type":"function","function":{"name":"pick","parameters":{"type":"object",
                             "properties":{"level":{"type":"integer","enum":[1,2,3]},"meta":{"type":"object","additionalProperties":{"type":"string"}}}}}}]}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "tools":[{"functionDeclarations":[
                           {"name":"tree","parametersJsonSchema":{"type":"object",
                             "properties":{"node":{"$ref":"#/$defs/node"}},"$defs":{"node":{"type":"object","properties":{"v":{"type":"string"}}}}}},
                           {"name":"pick","parametersJsonSchema":{"type":"object",
                             "properties":{"level":{"type":"integer","enum":[1,2,3]},"meta":{"type":"object","additionalProperties":{"type":"string"}}}}}]}]}"""),

                row("tool_choice none/auto/required", PLAIN, tools("\"required\""), withTools("""
                        "toolConfig":{"functionCallingConfig":{"mode":"ANY"}}""")),
                row("tool_choice none", PLAIN, tools("\"none\""), withTools("""
                        "toolConfig":{"functionCallingConfig":{"mode":"NONE"}}""")),
                row("tool_choice auto", PLAIN, tools("\"auto\""), withTools("""
                        "toolConfig":{"functionCallingConfig":{"mode":"AUTO"}}""")),
                row("tool_choice naming a function", PLAIN, tools("""
                        {"type":"function","function":{"name":"b"}}"""), withTools("""
                        "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["b"]}}""")),
                row("tool_choice allowed_tools auto is VALIDATED", PLAIN, tools("""
                        {"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[{"type":"function","function":{"name":"a"}}]}}"""),
                        withTools("""
                        "toolConfig":{"functionCallingConfig":{"mode":"VALIDATED","allowedFunctionNames":["a"]}}""")),
                row("tool_choice allowed_tools required is ANY", PLAIN, tools("""
                        {"type":"allowed_tools","allowed_tools":{"mode":"required","tools":[{"type":"function","name":"a"},{"type":"function","function":{"name":"b"}}]}}"""),
                        withTools("""
                        "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["a","b"]}}""")),
                row("tool_choice auto without tools sends no toolConfig", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],"tool_choice":"auto",
                         "parallel_tool_calls":false}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"""),

                row("code execution is added when enabled and no function tools are present",
                        new TranslationOptions(true, Set.of(), Map.of(), Map.of()), """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}]}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"tools":[{"codeExecution":{}}]}"""),
                row("code execution is not added next to function tools",
                        new TranslationOptions(true, Set.of(), Map.of(), Map.of()), tools(null), withTools(null)),
                row("code execution is not added for JSON output",
                        new TranslationOptions(true, Set.of(), Map.of(), Map.of()), """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"generationConfig":{"responseMimeType":"application/json"}}"""),

                row("the -search suffix adds googleSearch (with code execution too)",
                        new TranslationOptions(true, Set.of(), Map.of(), Map.of()), """
                        {"model":"models/gemini-2.5-flash-search","messages":[{"role":"user","content":"News?"}]}""", """
                        {"contents":[{"role":"user","parts":[{"text":"News?"}]}],"tools":[{"googleSearch":{}},{"codeExecution":{}}]}"""),
                row("a configured search model always gets googleSearch, next to function tools",
                        new TranslationOptions(false, Set.of("gemini-2.5-flash"), Map.of(), Map.of()), tools(null), """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "tools":[{"functionDeclarations":[{"name":"a"},{"name":"b"}]},{"googleSearch":{}}]}"""),

                row("-non-thinking on 2.5 Flash turns thinking off", PLAIN, model("gemini-2.5-flash-non-thinking", ""),
                        thinking("{\"thinkingBudget\":0}")),
                row("-non-thinking on 2.5 Pro uses the lowest budget", PLAIN, model("gemini-2.5-pro-non-thinking", ""),
                        thinking("{\"thinkingBudget\":128,\"includeThoughts\":true}")),
                row("-non-thinking on 3 Flash uses level minimal", PLAIN, model("gemini-3-flash-preview-non-thinking", ""),
                        thinking("{\"thinkingLevel\":\"minimal\",\"includeThoughts\":true}")),
                row("-non-thinking on 3 Pro uses level low", PLAIN, model("gemini-3-pro-preview-non-thinking", ""),
                        thinking("{\"thinkingLevel\":\"low\",\"includeThoughts\":true}")),
                row("-non-thinking on a model that never thinks sends nothing", PLAIN, model("gemini-2.0-flash-non-thinking", ""),
                        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}"),
                row("suffixes combine in either order",
                        new TranslationOptions(false, Set.of(), Map.of(), Map.of()), model("gemini-2.5-flash-search-non-thinking", ""),
                        """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"tools":[{"googleSearch":{}}],
                         "generationConfig":{"thinkingConfig":{"thinkingBudget":0}}}"""),
                row("-non-thinking wins over reasoning_effort", PLAIN,
                        model("gemini-2.5-flash-non-thinking", ",\"reasoning_effort\":\"high\""),
                        thinking("{\"thinkingBudget\":0}")),

                row("reasoning_effort low on 2.5", PLAIN, model("gemini-2.5-flash", ",\"reasoning_effort\":\"low\""),
                        thinking("{\"thinkingBudget\":1024,\"includeThoughts\":true}")),
                row("reasoning_effort medium on 2.5", PLAIN, model("gemini-2.5-flash-lite", ",\"reasoning_effort\":\"medium\""),
                        thinking("{\"thinkingBudget\":8192,\"includeThoughts\":true}")),
                row("reasoning_effort high on 2.5", PLAIN, model("gemini-2.5-pro", ",\"reasoning_effort\":\"high\""),
                        thinking("{\"thinkingBudget\":24576,\"includeThoughts\":true}")),
                row("reasoning_effort none on 2.5 Flash", PLAIN, model("gemini-2.5-flash", ",\"reasoning_effort\":\"none\""),
                        thinking("{\"thinkingBudget\":0}")),
                row("reasoning_effort none on 2.5 Pro", PLAIN, model("gemini-2.5-pro", ",\"reasoning_effort\":\"none\""),
                        thinking("{\"thinkingBudget\":128,\"includeThoughts\":true}")),
                row("reasoning_effort medium on 3 Flash", PLAIN, model("gemini-3-flash-preview", ",\"reasoning_effort\":\"medium\""),
                        thinking("{\"thinkingLevel\":\"medium\",\"includeThoughts\":true}")),
                row("reasoning_effort minimal on 3 Flash", PLAIN, model("gemini-3-flash-preview", ",\"reasoning_effort\":\"minimal\""),
                        thinking("{\"thinkingLevel\":\"minimal\",\"includeThoughts\":true}")),
                row("reasoning_effort medium on 3 Pro", PLAIN, model("gemini-3-pro-preview", ",\"reasoning_effort\":\"medium\""),
                        thinking("{\"thinkingLevel\":\"high\",\"includeThoughts\":true}")),
                row("reasoning_effort minimal on 3 Pro", PLAIN, model("gemini-3-pro-preview", ",\"reasoning_effort\":\"minimal\""),
                        thinking("{\"thinkingLevel\":\"low\",\"includeThoughts\":true}")),
                row("reasoning_effort xhigh on 3", PLAIN, model("gemini-3-flash-preview", ",\"reasoning_effort\":\"xhigh\""),
                        thinking("{\"thinkingLevel\":\"high\",\"includeThoughts\":true}")),
                row("reasoning_effort on another family is ignored", PLAIN, model("gemini-2.0-flash", ",\"reasoning_effort\":\"high\""),
                        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}"),

                row("the configured thinking budget applies without reasoning_effort",
                        new TranslationOptions(false, Set.of(), Map.of(), Map.of("gemini-2.5-flash", -1)),
                        model("gemini-2.5-flash", ""), thinking("{\"thinkingBudget\":-1,\"includeThoughts\":true}")),
                row("reasoning_effort wins over the configured thinking budget",
                        new TranslationOptions(false, Set.of(), Map.of(), Map.of("gemini-2.5-flash", -1)),
                        model("gemini-2.5-flash", ",\"reasoning_effort\":\"low\""),
                        thinking("{\"thinkingBudget\":1024,\"includeThoughts\":true}")),

                row("a top-level google object passes thinking, cache and safety through (snake case)",
                        new TranslationOptions(false, Set.of(), Map.of("HARM_CATEGORY_HARASSMENT", "OFF"), Map.of()), """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"high",
                         "google":{"thinking_config":{"thinking_budget":2048,"include_thoughts":false},
                           "cached_content":"cachedContents/abc",
                           "safety_settings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_ONLY_HIGH"}]}}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_ONLY_HIGH"}],
                         "generationConfig":{"thinkingConfig":{"thinkingBudget":2048,"includeThoughts":false}},
                         "cachedContent":"cachedContents/abc"}"""),
                row("extra_body.google in camel case, overridden per key by top-level google", PLAIN, """
                        {"model":"gemini-3-pro-preview","messages":[{"role":"user","content":"Hi"}],
                         "extra_body":{"google":{"thinkingConfig":{"thinkingLevel":"HIGH"},"cachedContent":"cachedContents/old"}},
                         "google":{"cachedContent":"cachedContents/new"}}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "generationConfig":{"thinkingConfig":{"thinkingLevel":"high","includeThoughts":true}},
                         "cachedContent":"cachedContents/new"}"""),
                row("configured safety settings are sent sorted by category when the request has none",
                        new TranslationOptions(false, Set.of(), orderedSafety(), Map.of()), """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}]}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "safetySettings":[
                           {"category":"HARM_CATEGORY_DANGEROUS_CONTENT","threshold":"BLOCK_NONE"},
                           {"category":"HARM_CATEGORY_HARASSMENT","threshold":"OFF"}]}"""),
                row("web_search_options, even empty, adds googleSearch after the function tools", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],"web_search_options":{},
                         "tools":[{"type":"function","function":{"name":"a"}}]}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "tools":[{"functionDeclarations":[{"name":"a"}]},{"googleSearch":{}}]}"""),
                row("web_search_options null is no search", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],"web_search_options":null}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"""),
                row("legacy functions are declared after the tools; function_call auto is AUTO", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],
                         "tools":[{"type":"function","function":{"name":"a"}}],
                         "functions":[{"name":"b","description":"B.","parameters":{"type":"object","properties":{"x":{"type":"string"}}}}],
                         "function_call":"auto"}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                         "tools":[{"functionDeclarations":[{"name":"a"},{"name":"b","description":"B.",
                           "parameters":{"type":"object","properties":{"x":{"type":"string"}}}}]}],
                         "toolConfig":{"functionCallingConfig":{"mode":"AUTO"}}}"""),
                row("legacy function_call {name} forces that function", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],
                         "functions":[{"name":"a"},{"name":"b"}],"function_call":{"name":"b"}}""",
                        withTools("\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"b\"]}}")),
                row("tool_choice wins over function_call", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],
                         "functions":[{"name":"a"},{"name":"b"}],"tool_choice":"required","function_call":{"name":"zzz"}}""",
                        withTools("\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\"}}")),
                row("function_call none or auto without functions sends nothing", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],"function_call":"none"}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"""),
                row("legacy assistant function_call and function message round trip", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[
                          {"role":"user","content":"Time?"},
                          {"role":"assistant","content":"Checking.","function_call":{"name":"get_time","arguments":"{\\"tz\\":\\"UTC\\"}"}},
                          {"role":"function","name":"get_time","content":"{\\"time\\":\\"12:00\\"}"},
                          {"role":"assistant","function_call":{"name":"get_date"}},
                          {"role":"function","name":"get_date","content":"Monday"}]}""", """
                        {"contents":[
                          {"role":"user","parts":[{"text":"Time?"}]},
                          {"role":"model","parts":[{"text":"Checking."},{"functionCall":{"name":"get_time","args":{"tz":"UTC"}}}]},
                          {"role":"user","parts":[{"functionResponse":{"name":"get_time","response":{"time":"12:00"}}}]},
                          {"role":"model","parts":[{"functionCall":{"name":"get_date","args":{}}}]},
                          {"role":"user","parts":[{"functionResponse":{"name":"get_date","response":{"result":"Monday"}}}]}]}"""),
                row("Gemini 3: a legacy function_call gets the skip signature unless a tool call came first", PLAIN, """
                        {"model":"gemini-3-flash-preview","messages":[
                          {"role":"user","content":"Go"},
                          {"role":"assistant","function_call":{"name":"f","arguments":"{}"}},
                          {"role":"function","name":"f","content":"1"},
                          {"role":"assistant","tool_calls":[{"id":"x1","type":"function","function":{"name":"g","arguments":"{}"}}],
                           "function_call":{"name":"h","arguments":"{}"}},
                          {"role":"tool","tool_call_id":"x1","content":"2"},
                          {"role":"function","name":"h","content":"3"}]}""", """
                        {"contents":[
                          {"role":"user","parts":[{"text":"Go"}]},
                          {"role":"model","parts":[{"functionCall":{"name":"f","args":{}},"thoughtSignature":"skip_thought_signature_validator"}]},
                          {"role":"user","parts":[{"functionResponse":{"name":"f","response":{"result":1}}}]},
                          {"role":"model","parts":[
                            {"functionCall":{"name":"g","args":{}},"thoughtSignature":"skip_thought_signature_validator"},
                            {"functionCall":{"name":"h","args":{}}}]},
                          {"role":"user","parts":[
                            {"functionResponse":{"name":"g","response":{"result":2}}},
                            {"functionResponse":{"name":"h","response":{"result":3}}}]}]}"""),
                row("two distinct user names prefix each named user message; unnamed and assistant messages stay as they are",
                        PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[
                          {"role":"user","name":"alice","content":"Hi all"},
                          {"role":"user","name":" bob ","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]},
                          {"role":"assistant","name":"bot","content":"Hello"},
                          {"role":"user","content":"(someone joined)"},
                          {"role":"user","name":"","content":"blank name"},
                          {"role":"user","name":"bob","content":[{"type":"text","text":""},{"type":"text","text":"Me too"}]},
                          {"role":"user","name":"alice","content":""}]}""", """
                        {"contents":[
                          {"role":"user","parts":[{"text":"alice: Hi all"},{"text":"bob:"},{"inlineData":{"mimeType":"image/png","data":"AA=="}}]},
                          {"role":"model","parts":[{"text":"Hello"}]},
                          {"role":"user","parts":[{"text":"(someone joined)"},{"text":"blank name"},{"text":"bob: Me too"}]}]}"""),
                row("one user name, however often, is dropped", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[
                          {"role":"user","name":"alice","content":"a"},
                          {"role":"assistant","name":"bob","content":"b"},
                          {"role":"user","name":"alice","content":"c"},
                          {"role":"user","content":"d"}]}""", """
                        {"contents":[
                          {"role":"user","parts":[{"text":"a"}]},
                          {"role":"model","parts":[{"text":"b"}]},
                          {"role":"user","parts":[{"text":"c"},{"text":"d"}]}]}"""),
                row("fields without a Gemini counterpart are dropped", PLAIN, """
                        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],"user":"u-1",
                         "metadata":{"a":"b"},"store":true,"logit_bias":{"50256":-100},"service_tier":"auto",
                         "stream":true,"stream_options":{"include_usage":true},"parallel_tool_calls":true}""", """
                        {"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void translatesToTheExactGeminiBody(String rule, TranslationOptions options, String request, String expected) {
        GeminiChatRequest translated = new ChatRequestTranslator(options).translate(parse(request));

        assertThat(tree(translated.body())).isEqualTo(tree(expected));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("model missing", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "model"),
                bad("model blank", "{\"model\":\" \",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "model"),
                bad("model only a suffix", "{\"model\":\"-search\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "model"),
                bad("messages missing", "{\"model\":\"gemini-2.5-flash\"}", "messages"),
                bad("messages empty", "{\"model\":\"gemini-2.5-flash\",\"messages\":[]}", "messages"),
                bad("unknown role", msgs("{\"role\":\"bot\",\"content\":\"Hi\"}"), "messages[0].role"),
                bad("missing role", msgs("{\"content\":\"Hi\"}"), "messages[0].role"),
                bad("tool message without tool_call_id", msgs("""
                        {"role":"user","content":"Hi"},
                        {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"a","arguments":"{}"}}]},
                        {"role":"tool","content":"x"}"""), "messages[2].tool_call_id"),
                bad("tool message answering no known call", msgs("""
                        {"role":"user","content":"Hi"},{"role":"tool","tool_call_id":"c9","content":"x"}"""),
                        "messages[1].tool_call_id"),
                bad("function message without name", msgs("""
                        {"role":"user","content":"Hi"},{"role":"function","content":"x"}"""), "messages[1].name"),
                bad("web_search_options not an object", withField("\"web_search_options\":\"yes\""), "web_search_options"),
                bad("a null legacy function", withField("\"functions\":[null]"), "functions[0]"),
                bad("a legacy function without a name", withField("\"functions\":[{\"description\":\"x\"}]"), "functions[0].name"),
                bad("legacy function parameters that are not an object", withField("""
                        "functions":[{"name":"a","parameters":[]}]"""), "functions[0].parameters"),
                bad("a legacy function named like a tool", withField("""
                        "tools":[{"type":"function","function":{"name":"a"}}],"functions":[{"name":"a"}]"""), "functions[0].name"),
                bad("function_call required (not a legacy value)", withField("""
                        "functions":[{"name":"a"}],"function_call":"required\""""), "function_call"),
                bad("function_call that is neither string nor object", withField("""
                        "functions":[{"name":"a"}],"function_call":true"""), "function_call"),
                bad("function_call object without a name", withField("""
                        "functions":[{"name":"a"}],"function_call":{}"""), "function_call.name"),
                bad("function_call naming an undeclared function", withField("""
                        "functions":[{"name":"a"}],"function_call":{"name":"b"}"""), "function_call"),
                bad("function_call naming a function without any declared", withField("""
                        "function_call":{"name":"b"}"""), "function_call"),
                bad("legacy assistant function_call without a name", msgs("""
                        {"role":"user","content":"Hi"},{"role":"assistant","function_call":{"arguments":"{}"}}"""),
                        "messages[1].function_call.name"),
                bad("legacy assistant function_call with arguments that are not JSON", msgs("""
                        {"role":"user","content":"Hi"},{"role":"assistant","function_call":{"name":"a","arguments":"{x"}}"""),
                        "messages[1].function_call.arguments"),
                bad("n below 1", withField("\"n\":0"), "n"),
                bad("n above 8", withField("\"n\":9"), "n"),
                bad("tool-call arguments that are not JSON", msgs("""
                        {"role":"user","content":"Hi"},
                        {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"a","arguments":"{\\"x\\":"}}]}"""),
                        "messages[1].tool_calls[0].function.arguments"),
                bad("tool-call arguments that are not an object", msgs("""
                        {"role":"user","content":"Hi"},
                        {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"a","arguments":"[1]"}}]}"""),
                        "messages[1].tool_calls[0].function.arguments"),
                bad("tool call without a function name", msgs("""
                        {"role":"user","content":"Hi"},
                        {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"arguments":"{}"}}]}"""),
                        "messages[1].tool_calls[0].function.name"),
                bad("unsupported content part type", msgs("""
                        {"role":"user","content":[{"type":"input_video","input_video":{}}]}"""), "messages[0].content[0].type"),
                bad("file_id", msgs("""
                        {"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}"""),
                        "messages[0].content[0].file.file_id"),
                bad("file without data", msgs("""
                        {"role":"user","content":[{"type":"file","file":{"filename":"a.pdf"}}]}"""),
                        "messages[0].content[0].file.file_data"),
                bad("data URL not marked base64", msgs("""
                        {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,abc"}}]}"""),
                        "messages[0].content[0].image_url.url"),
                bad("data URL with non-base64 data", msgs("""
                        {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,ab$c"}}]}"""),
                        "messages[0].content[0].image_url.url"),
                bad("data URL without a media type", msgs("""
                        {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:;base64,abcd"}}]}"""),
                        "messages[0].content[0].image_url.url"),
                bad("remote image URL that was not inlined", msgs("""
                        {"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}"""),
                        "messages[0].content[0].image_url.url"),
                bad("image URL with another scheme", msgs("""
                        {"role":"user","content":[{"type":"image_url","image_url":{"url":"file:///etc/passwd"}}]}"""),
                        "messages[0].content[0].image_url.url"),
                bad("input_audio without format", msgs("""
                        {"role":"user","content":[{"type":"input_audio","input_audio":{"data":"UklGRg=="}}]}"""),
                        "messages[0].content[0].input_audio.format"),
                bad("input_audio data not base64", msgs("""
                        {"role":"user","content":[{"type":"input_audio","input_audio":{"data":"not base64!","format":"wav"}}]}"""),
                        "messages[0].content[0].input_audio.data"),
                bad("image in a system message", msgs("""
                        {"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]},
                        {"role":"user","content":"Hi"}"""), "messages[0].content[0].type"),
                bad("image in a tool result", msgs("""
                        {"role":"user","content":"Hi"},
                        {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"a","arguments":"{}"}}]},
                        {"role":"tool","tool_call_id":"c1","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}"""),
                        "messages[2].content[0].type"),
                bad("more than 5 stop sequences", withField("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]"), "stop"),
                bad("max_tokens below 1", withField("\"max_tokens\":0"), "max_tokens"),
                bad("top_logprobs above 20", withField("\"logprobs\":true,\"top_logprobs\":21"), "top_logprobs"),
                bad("unknown reasoning_effort", withField("\"reasoning_effort\":\"extreme\""), "reasoning_effort"),
                bad("unknown response_format type", withField("\"response_format\":{\"type\":\"xml\"}"), "response_format.type"),
                bad("json_schema format without json_schema", withField("\"response_format\":{\"type\":\"json_schema\"}"),
                        "response_format.json_schema"),
                bad("tool_choice naming a function not in tools", tools("""
                        {"type":"function","function":{"name":"zzz"}}"""), "tool_choice"),
                bad("tool_choice allowed_tools naming a function not in tools", tools("""
                        {"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[{"type":"function","function":{"name":"zzz"}}]}}"""),
                        "tool_choice"),
                bad("tool_choice required without tools", withField("\"tool_choice\":\"required\""), "tool_choice"),
                bad("tool_choice unknown string", tools("\"sometimes\""), "tool_choice"),
                bad("a non-function tool", withField("\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}]"), "tools[0].type"),
                bad("two tools with one name", withField("""
                        "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"a"}}]"""),
                        "tools[1].function.name"),
                bad("tool parameters that are not an object", withField("""
                        "tools":[{"type":"function","function":{"name":"a","parameters":"{}"}}]"""),
                        "tools[0].function.parameters"),
                bad("google that is not an object", withField("\"google\":\"x\""), "google"),
                bad("thinking budget and level together", withField("""
                        "google":{"thinking_config":{"thinking_budget":0,"thinking_level":"low"}}"""), "google.thinking_config"),
                bad("a malformed safety setting", withField("""
                        "extra_body":{"google":{"safety_settings":[{"category":"HARM_CATEGORY_HARASSMENT"}]}}"""),
                        "google.safety_settings[0]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsWithA400NamingTheField(String rule, String request, String param) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> new ChatRequestTranslator(PLAIN).translate(parse(request)));

        assertThat(e).as(rule).isNotNull();
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.param()).contains(param);
        assertThat(e.getMessage()).isNotBlank();
    }

    @Test
    void reportsModelsChoicesUsageAndAddedTools() {
        GeminiChatRequest translated = new ChatRequestTranslator(new TranslationOptions(true, Set.of(), Map.of(), Map.of()))
                .translate(parse("""
                        {"model":"models/gemini-2.5-flash-non-thinking-search","n":3,"stream":true,
                         "stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}"""));

        assertThat(translated.requestedModel()).isEqualTo("models/gemini-2.5-flash-non-thinking-search");
        assertThat(translated.upstreamModel()).isEqualTo("gemini-2.5-flash");
        assertThat(translated.choiceCount()).isEqualTo(3);
        assertThat(translated.includeUsage()).isTrue();
        assertThat(translated.search()).isTrue();
        assertThat(translated.codeExecution()).isTrue();
    }

    @Test
    void webSearchOptionsMakeASearchAnswer() {
        GeminiChatRequest translated = new ChatRequestTranslator(PLAIN).translate(parse(withField("""
                "web_search_options":{"search_context_size":"low","user_location":{"type":"approximate"}}""")));

        assertThat(translated.search()).isTrue();
        assertThat(tree(translated.body().tools())).isEqualTo(tree("[{\"googleSearch\":{}}]"));
    }

    @Test
    void parallelToolCallsIsOnUnlessTheClientSendsFalse() {
        ChatRequestTranslator translator = new ChatRequestTranslator(PLAIN);

        assertThat(translator.translate(parse(tools(null))).parallelToolCalls()).isTrue();
        assertThat(translator.translate(parse(withField("\"parallel_tool_calls\":true"))).parallelToolCalls()).isTrue();
        GeminiChatRequest off = translator.translate(parse(withField("\"parallel_tool_calls\":false")));
        assertThat(off.parallelToolCalls()).isFalse();
        assertThat(tree(off.body())).isEqualTo(tree("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}"));
    }

    @Test
    void defaultsToOneChoiceWithoutUsageOrAddedTools() {
        GeminiChatRequest translated = new ChatRequestTranslator(PLAIN)
                .translate(parse("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));

        assertThat(translated.upstreamModel()).isEqualTo("gemini-2.5-flash");
        assertThat(translated.choiceCount()).isEqualTo(1);
        assertThat(translated.includeUsage()).isFalse();
        assertThat(translated.search()).isFalse();
        assertThat(translated.codeExecution()).isFalse();
        assertThat(translated.parallelToolCalls()).isTrue();
    }

    @Test
    void defaultOptionsSendEveryHarmCategoryOffAndSearchTheExperimentalFlash() {
        GeminiChatRequest translated = new ChatRequestTranslator(TranslationOptions.defaults())
                .translate(parse("{\"model\":\"gemini-2.0-flash-exp\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));

        assertThat(translated.search()).isTrue();
        assertThat(translated.body().safetySettings()).hasSize(5)
                .allSatisfy(s -> assertThat(s.threshold()).isEqualTo("OFF"));
    }

    @Test
    void theImageSuffixOfAnImageModelAsksForTextAndImagesWithoutTheDefaultSearch() {
        GeminiChatRequest translated = new ChatRequestTranslator(TranslationOptions.defaults())
                .translate(parse("{\"model\":\"gemini-2.0-flash-exp-image\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Draw a cat\"}]}"));

        assertThat(translated.upstreamModel()).isEqualTo("gemini-2.0-flash-exp");
        assertThat(translated.requestedModel()).isEqualTo("gemini-2.0-flash-exp-image");
        assertThat(translated.body().generationConfig().responseModalities()).containsExactly("TEXT", "IMAGE");
        assertThat(translated.search()).isFalse();
    }

    @Test
    void aGeminiImageModelAsksForTextAndImagesAndKeepsItsName() {
        GeminiChatRequest translated = new ChatRequestTranslator(TranslationOptions.defaults())
                .translate(parse("{\"model\":\"gemini-2.5-flash-image\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Draw a cat\"}]}"));

        assertThat(translated.upstreamModel()).isEqualTo("gemini-2.5-flash-image");
        assertThat(translated.body().generationConfig().responseModalities()).containsExactly("TEXT", "IMAGE");
    }

    @Test
    void theImageSuffixOfAModelNotInImageModelsIsPartOfItsName() {
        GeminiChatRequest translated = new ChatRequestTranslator(PLAIN)
                .translate(parse("{\"model\":\"gemini-2.5-pro-image\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hi\"}]}"));
        assertThat(translated.upstreamModel()).isEqualTo("gemini-2.5-pro-image");
        GeminiChatRequest plain = new ChatRequestTranslator(PLAIN)
                .translate(parse("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
        assertThat(plain.body().generationConfig()).isNull();
    }

    @Test
    void mintedIdsFromTheResponseSideDecodeToTheSameCall() {
        String id = ToolCallIds.encode("k2v9x1qa", "c2lnbmF0dXJl", new java.util.Random(1));

        assertThat(id).isEqualTo(SIGNED_ID);
    }

    // ---- fixtures

    private static Arguments row(String rule, TranslationOptions options, String request, String expected) {
        return Arguments.of(rule, options, request, expected);
    }

    private static Arguments bad(String rule, String request, String param) {
        return Arguments.of(rule, request, param);
    }

    private static String msgs(String messages) {
        return "{\"model\":\"gemini-2.5-flash\",\"messages\":[" + messages + "]}";
    }

    private static String withField(String field) {
        return "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + field + "}";
    }

    private static String model(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]" + extra + "}";
    }

    private static String thinking(String config) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}],"
                + "\"generationConfig\":{\"thinkingConfig\":" + config + "}}";
    }

    /** A request with two no-argument tools a and b, and the given tool_choice (or none). */
    private static String tools(String toolChoice) {
        return "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\"}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"b\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]"
                + (toolChoice == null ? "" : ",\"tool_choice\":" + toolChoice) + "}";
    }

    private static String withTools(String more) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}],"
                + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"a\"},{\"name\":\"b\"}]}]"
                + (more == null ? "" : "," + more) + "}";
    }

    private static Map<String, String> orderedSafety() {
        Map<String, String> safety = new LinkedHashMap<>();
        safety.put("HARM_CATEGORY_HARASSMENT", "OFF");
        safety.put("HARM_CATEGORY_DANGEROUS_CONTENT", "BLOCK_NONE");
        return safety;
    }

    static ChatCompletionRequest parse(String json) {
        try {
            return Json.mapper().readValue(json, ChatCompletionRequest.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("bad fixture: " + json, e);
        }
    }

    /** A JSON literal, or a value as {@link Json#mapper()} writes it on the wire, as a tree. */
    static JsonNode tree(Object value) {
        try {
            String json = value instanceof String s ? s : Json.mapper().writeValueAsString(value);
            return Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("bad fixture: " + value, e);
        }
    }
}
