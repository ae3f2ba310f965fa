/**
 * The OpenAI Responses API wire types ({@code POST /v1/responses}): the request with its input items,
 * the {@code response} object with its output items and usage, and the typed stream events. Plain
 * Jackson records with snake_case names; no behaviour. Vocabularies that OpenAI keeps growing (item,
 * part, status and event types) are open strings with constants ({@link ItemTypes},
 * {@link EventTypes}, {@link Statuses}), so unknown values pass through. Unknown fields are ignored on
 * input.
 */
package io.github.geminibalance.openai.responses;
