/**
 * Gemini REST (v1beta) wire types, as records whose component names are Gemini's lowerCamelCase
 * field names. Vocabularies that Google extends (finish reasons, block reasons) are open value types,
 * so an unknown value from a newer model never breaks parsing.
 *
 * <p><b>Not API.</b> The core's module descriptor does not export this package (it opens it to Jackson).
 */
package io.github.geminibalance.gemini;
