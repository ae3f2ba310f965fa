package io.github.geminibalance.translate;

/**
 * Gemini responses in their exact wire shapes (WIRE_FORMATS D1-D6, D12 and variants), each with the
 * non-stream response that carries the same answer in one piece.
 */
final class GeminiResponseSamples {

    private GeminiResponseSamples() {}

    // D2: a text answer in three SSE events.
    static final String[] D2_STREAM = {
        """
        {"candidates": [{"content": {"parts": [{"text": "Rayleigh scattering"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 8,"totalTokenCount": 8,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 8}]},"modelVersion": "gemini-2.0-flash","responseId": "c3RyZWFtX2RlbW9fMDI"}""",
        """
        {"candidates": [{"content": {"parts": [{"text": " makes short blue wavelengths bounce around the"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 8,"totalTokenCount": 8,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 8}]},"modelVersion": "gemini-2.0-flash","responseId": "c3RyZWFtX2RlbW9fMDI"}""",
        """
        {"candidates": [{"content": {"parts": [{"text": " sky far more than red ones."}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 17,"totalTokenCount": 25,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 8}],"candidatesTokensDetails": [{"modality": "TEXT","tokenCount": 17}]},"modelVersion": "gemini-2.0-flash","responseId": "c3RyZWFtX2RlbW9fMDI"}"""
    };

    static final String D2_NON_STREAM = """
        {
          "candidates": [
            {
              "content": {
                "parts": [{"text": "Rayleigh scattering makes short blue wavelengths bounce around the sky far more than red ones."}],
                "role": "model"
              },
              "finishReason": "STOP",
              "index": 0
            }
          ],
          "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 17, "totalTokenCount": 25},
          "modelVersion": "gemini-2.0-flash",
          "responseId": "c3RyZWFtX2RlbW9fMDI"
        }""";

    /** A (valid base64) thought signature in the shape of D3's. */
    static final String SIGNATURE = "EqQBCqEBAb4+9vsAmZ1Yk0pQ3cN0";

    // D3: Gemini 3 parallel calls, one per event, then an empty STOP event.
    static final String[] D3_STREAM = {
        """
        {"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather","args": {"city": "Oslo"},"id": "k2v9x1qa"},"thoughtSignature": "EqQBCqEBAb4+9vsAmZ1Yk0pQ3cN0"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 74,"candidatesTokenCount": 15,"totalTokenCount": 131,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 74}],"thoughtsTokenCount": 42},"modelVersion": "gemini-3-flash-preview","responseId": "ZnVuY19jYWxsX2RlbW8"}""",
        """
        {"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather","args": {"city": "Bergen"},"id": "p7d3m0zs"}}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 74,"candidatesTokenCount": 30,"totalTokenCount": 146,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 74}],"thoughtsTokenCount": 42},"modelVersion": "gemini-3-flash-preview","responseId": "ZnVuY19jYWxsX2RlbW8"}""",
        """
        {"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 74,"candidatesTokenCount": 30,"totalTokenCount": 146,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 74}],"thoughtsTokenCount": 42},"modelVersion": "gemini-3-flash-preview","responseId": "ZnVuY19jYWxsX2RlbW8"}"""
    };

    static final String D3_NON_STREAM = """
        {
          "candidates": [
            {
              "content": {
                "parts": [
                  {"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}, "id": "k2v9x1qa"}, "thoughtSignature": "EqQBCqEBAb4+9vsAmZ1Yk0pQ3cN0"},
                  {"functionCall": {"name": "get_weather", "args": {"city": "Bergen"}, "id": "p7d3m0zs"}}
                ],
                "role": "model"
              },
              "finishReason": "STOP",
              "index": 0
            }
          ],
          "usageMetadata": {"promptTokenCount": 74, "candidatesTokenCount": 30, "totalTokenCount": 146, "thoughtsTokenCount": 42},
          "modelVersion": "gemini-3-flash-preview",
          "responseId": "ZnVuY19jYWxsX2RlbW8"
        }""";

    // D3, Gemini 2.5 variant: a short preface, then both calls (no ids) in one event that also finishes.
    static final String[] D3_25_STREAM = {
        """
        {"candidates": [{"content": {"parts": [{"text": "Let me check both cities."}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 61,"totalTokenCount": 61},"modelVersion": "gemini-2.5-flash","responseId": "MjVfY2FsbHNfZGVtbw"}""",
        """
        {"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather","args": {"city": "Oslo"}}},{"functionCall": {"name": "get_weather","args": {"city": "Bergen"}}}],"role": "model"},"finishReason": "STOP","index": 0,"finishMessage": "Model generated function call(s)."}],"usageMetadata": {"promptTokenCount": 61,"candidatesTokenCount": 40,"totalTokenCount": 160,"thoughtsTokenCount": 59},"modelVersion": "gemini-2.5-flash","responseId": "MjVfY2FsbHNfZGVtbw"}"""
    };

    static final String D3_25_NON_STREAM = """
        {
          "candidates": [
            {
              "content": {
                "parts": [
                  {"text": "Let me check both cities."},
                  {"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}},
                  {"functionCall": {"name": "get_weather", "args": {"city": "Bergen"}}}
                ],
                "role": "model"
              },
              "finishReason": "STOP",
              "index": 0,
              "finishMessage": "Model generated function call(s)."
            }
          ],
          "usageMetadata": {"promptTokenCount": 61, "candidatesTokenCount": 40, "totalTokenCount": 160, "thoughtsTokenCount": 59},
          "modelVersion": "gemini-2.5-flash",
          "responseId": "MjVfY2FsbHNfZGVtbw"
        }""";

    // D1: non-stream text answer with usage.
    static final String D1 = """
        {
          "candidates": [
            {
              "content": {
                "parts": [{"text": "The capital of Australia is Canberra."}],
                "role": "model"
              },
              "finishReason": "STOP",
              "index": 0
            }
          ],
          "usageMetadata": {
            "promptTokenCount": 9,
            "candidatesTokenCount": 8,
            "totalTokenCount": 58,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 9}],
            "thoughtsTokenCount": 41
          },
          "modelVersion": "gemini-2.5-flash",
          "responseId": "Qm1kZ2VuX3Rlc3RfMDAx"
        }""";

    static final String D4_URI_1 = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example1";
    static final String D4_URI_2 = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example2";

    // D4: grounded with googleSearch.
    static final String D4 = """
        {
          "candidates": [
            {
              "content": {
                "parts": [{"text": "The 2024 Tour de France was won by Tadej Pogacar, his third overall victory."}],
                "role": "model"
              },
              "finishReason": "STOP",
              "index": 0,
              "groundingMetadata": {
                "searchEntryPoint": {
                  "renderedContent": "<style>.container{display:flex}</style><div class=\\"container\\"><a class=\\"chip\\" href=\\"https://www.google.com/search?q=tour+de+france+2024+winner\\">tour de france 2024 winner</a></div>"
                },
                "groundingChunks": [
                  {"web": {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example1", "title": "letour.fr"}},
                  {"web": {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example2", "title": "cyclingnews.com"}}
                ],
                "groundingSupports": [
                  {
                    "segment": {
                      "endIndex": 76,
                      "text": "The 2024 Tour de France was won by Tadej Pogacar, his third overall victory."
                    },
                    "groundingChunkIndices": [0, 1]
                  }
                ],
                "webSearchQueries": ["tour de france 2024 winner"]
              }
            }
          ],
          "usageMetadata": {
            "promptTokenCount": 12,
            "candidatesTokenCount": 19,
            "totalTokenCount": 187,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 12}],
            "toolUsePromptTokenCount": 96,
            "toolUsePromptTokensDetails": [{"modality": "TEXT", "tokenCount": 96}],
            "thoughtsTokenCount": 60
          },
          "modelVersion": "gemini-2.5-flash",
          "responseId": "Z3JvdW5kZWRfZGVtbw"
        }""";

    // D4 as a stream: the text split in two, the grounding metadata on the final event.
    static final String[] D4_STREAM = {
        """
        {"candidates": [{"content": {"parts": [{"text": "The 2024 Tour de France was won by "}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 12,"totalTokenCount": 72,"thoughtsTokenCount": 60},"modelVersion": "gemini-2.5-flash","responseId": "Z3JvdW5kZWRfZGVtbw"}""",
        """
        {"candidates": [{"content": {"parts": [{"text": "Tadej Pogacar, his third overall victory."}],"role": "model"},"finishReason": "STOP","index": 0,"groundingMetadata": {"groundingChunks": [{"web": {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example1","title": "letour.fr"}},{"web": {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example2","title": "cyclingnews.com"}}],"groundingSupports": [{"segment": {"endIndex": 76,"text": "The 2024 Tour de France was won by Tadej Pogacar, his third overall victory."},"groundingChunkIndices": [0,1]}],"webSearchQueries": ["tour de france 2024 winner"]}}],"usageMetadata": {"promptTokenCount": 12,"candidatesTokenCount": 19,"totalTokenCount": 187,"toolUsePromptTokenCount": 96,"thoughtsTokenCount": 60},"modelVersion": "gemini-2.5-flash","responseId": "Z3JvdW5kZWRfZGVtbw"}"""
    };

    // D5: code execution.
    static final String D5 = """
        {
          "candidates": [
            {
              "content": {
                "parts": [
                  {"text": "I'll compute it with Python."},
                  {"executableCode": {"language": "PYTHON", "code": "print(sum(i*i for i in range(1, 11)))\\n"}},
                  {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "385\\n"}},
                  {"text": "The sum of the squares of 1 through 10 is 385."}
                ],
                "role": "model"
              },
              "finishReason": "STOP",
              "index": 0
            }
          ],
          "usageMetadata": {
            "promptTokenCount": 21,
            "candidatesTokenCount": 52,
            "totalTokenCount": 160,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 21}],
            "toolUsePromptTokenCount": 35,
            "thoughtsTokenCount": 52
          },
          "modelVersion": "gemini-2.5-flash",
          "responseId": "Y29kZV9leGVjX2RlbW8"
        }""";

    static final String D5_CONTENT = "I'll compute it with Python."
            + "\n```python\nprint(sum(i*i for i in range(1, 11)))\n```\n"
            + "\n```output\n385\n```\n"
            + "The sum of the squares of 1 through 10 is 385.";

    // D5 as a stream: one part per event.
    static final String[] D5_STREAM = {
        """
        {"candidates": [{"content": {"parts": [{"text": "I'll compute it with Python."}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 21,"totalTokenCount": 73,"thoughtsTokenCount": 52},"modelVersion": "gemini-2.5-flash","responseId": "Y29kZV9leGVjX2RlbW8"}""",
        """
        {"candidates": [{"content": {"parts": [{"executableCode": {"language": "PYTHON","code": "print(sum(i*i for i in range(1, 11)))\\n"}}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 21,"totalTokenCount": 73,"thoughtsTokenCount": 52},"modelVersion": "gemini-2.5-flash","responseId": "Y29kZV9leGVjX2RlbW8"}""",
        """
        {"candidates": [{"content": {"parts": [{"codeExecutionResult": {"outcome": "OUTCOME_OK","output": "385\\n"}}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 21,"totalTokenCount": 108,"toolUsePromptTokenCount": 35,"thoughtsTokenCount": 52},"modelVersion": "gemini-2.5-flash","responseId": "Y29kZV9leGVjX2RlbW8"}""",
        """
        {"candidates": [{"content": {"parts": [{"text": "The sum of the squares of 1 through 10 is 385."}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 21,"candidatesTokenCount": 52,"totalTokenCount": 160,"toolUsePromptTokenCount": 35,"thoughtsTokenCount": 52},"modelVersion": "gemini-2.5-flash","responseId": "Y29kZV9leGVjX2RlbW8"}"""
    };

    static final String D6_THOUGHT = "**Checking divisibility**\n\nI tried the small primes up to the square root of 221"
            + " and found 13 divides it evenly.\n";

    // D6: a thought summary and the answer.
    static final String D6 = """
        {
          "candidates": [
            {
              "content": {
                "parts": [
                  {"text": "**Checking divisibility**\\n\\nI tried the small primes up to the square root of 221 and found 13 divides it evenly.\\n", "thought": true},
                  {"text": "221 is not prime: 221 = 13 x 17."}
                ],
                "role": "model"
              },
              "finishReason": "STOP",
              "index": 0
            }
          ],
          "usageMetadata": {
            "promptTokenCount": 10,
            "candidatesTokenCount": 14,
            "totalTokenCount": 336,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 10}],
            "thoughtsTokenCount": 312
          },
          "modelVersion": "gemini-2.5-pro",
          "responseId": "dGhpbmtpbmdfZGVtbw"
        }""";

    static final String[] D6_STREAM = {
        """
        {"candidates": [{"content": {"parts": [{"text": "**Checking divisibility**\\n\\nI tried the small primes up to the square root of 221 and found 13 divides it evenly.\\n","thought": true}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 10,"totalTokenCount": 322,"thoughtsTokenCount": 312},"modelVersion": "gemini-2.5-pro","responseId": "dGhpbmtpbmdfZGVtbw"}""",
        """
        {"candidates": [{"content": {"parts": [{"text": "221 is not prime: 221 = 13 x 17."}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 10,"candidatesTokenCount": 14,"totalTokenCount": 336,"thoughtsTokenCount": 312},"modelVersion": "gemini-2.5-pro","responseId": "dGhpbmtpbmdfZGVtbw"}"""
    };

    // D6: thinking ate the whole budget; no parts, MAX_TOKENS, no candidatesTokenCount.
    static final String THINKING_ONLY_MAX_TOKENS = """
        {"candidates": [{"content": {"role": "model"},"finishReason": "MAX_TOKENS","index": 0}],"usageMetadata": {"promptTokenCount": 10,"totalTokenCount": 74,"thoughtsTokenCount": 64},"modelVersion": "gemini-2.5-flash","responseId": "dHJ1bmNhdGVkX2RlbW8"}""";

    // D12: blocked prompt.
    static final String D12 = """
        {
          "promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
          "usageMetadata": {
            "promptTokenCount": 25,
            "totalTokenCount": 25,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 25}]
          },
          "modelVersion": "gemini-2.5-flash",
          "responseId": "YmxvY2tlZF9kZW1v"
        }""";

    // n=2: two candidates streamed side by side, the second without index (older models).
    static final String[] TWO_CANDIDATES_STREAM = {
        """
        {"candidates": [{"content": {"parts": [{"text": "Red"}],"role": "model"},"index": 0},{"content": {"parts": [{"text": "Blue"}],"role": "model"},"index": 1}],"usageMetadata": {"promptTokenCount": 5,"totalTokenCount": 5},"modelVersion": "gemini-2.0-flash","responseId": "dHdvX2NhbmRz"}""",
        """
        {"candidates": [{"content": {"parts": [{"text": " apple."}],"role": "model"},"finishReason": "STOP","index": 0},{"content": {"parts": [{"text": " whale."}],"role": "model"},"finishReason": "MAX_TOKENS","index": 1}],"usageMetadata": {"promptTokenCount": 5,"candidatesTokenCount": 6,"totalTokenCount": 11},"modelVersion": "gemini-2.0-flash","responseId": "dHdvX2NhbmRz"}"""
    };

    static final String TWO_CANDIDATES_NON_STREAM = """
        {
          "candidates": [
            {"content": {"parts": [{"text": "Red apple."}], "role": "model"}, "finishReason": "STOP", "index": 0},
            {"content": {"parts": [{"text": "Blue whale."}], "role": "model"}, "finishReason": "MAX_TOKENS", "index": 1}
          ],
          "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 6, "totalTokenCount": 11},
          "modelVersion": "gemini-2.0-flash",
          "responseId": "dHdvX2NhbmRz"
        }""";
}
