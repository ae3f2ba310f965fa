/**
 * The OpenAI wire types that gemini-balance speaks to its clients: Chat Completions (request, response,
 * stream chunks), Embeddings, Models and the error envelope. Plain Jackson records with snake_case
 * names; no behaviour. Unknown fields are ignored on input so newer clients keep working.
 */
package io.github.geminibalance.openai;
