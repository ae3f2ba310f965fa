/**
 * Gemini REST (v1beta) wire types, as records whose component names are Gemini's lowerCamelCase
 * field names. Vocabularies that Google extends (finish reasons, block reasons) are open value types,
 * so an unknown value from a newer model never breaks parsing.
 */
package io.github.geminibalance.gemini;
