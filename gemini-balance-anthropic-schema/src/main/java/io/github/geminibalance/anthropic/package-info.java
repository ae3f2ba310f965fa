/**
 * The Anthropic Messages API wire types that gemini-balance speaks on {@code POST /v1/messages} and
 * {@code POST /v1/messages/count_tokens}: the request with its content blocks, the {@code message}
 * answer, the stream events and the error envelope. Plain Jackson records with snake_case names; no
 * behaviour. Vocabularies that grow (block types, stop reasons, event types) are plain strings with
 * the known values as constants, so a newer value passes through instead of failing. Unknown fields
 * are ignored on input so newer clients keep working.
 */
package io.github.geminibalance.anthropic;
