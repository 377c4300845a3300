// The text the scanner reads: what encoding and obfuscation hide, decoded,
// then NFKC. Pure; linear in the input.
//
//   - HTML character references: numeric (&#64; &#x40;) and the named ones
//     that spell addresses and numbers (&commat; &period; &amp; &nbsp; ...).
//     gumbo decodes them in HTML; this catches them in plain-text pastes and
//     double-encoded HTML.
//   - percent-encoding of printable ASCII (%40 -> @), as in mailto: links.
//   - JSON \uXXXX escapes, surrogate pairs included.
//   - NFKC with default-ignorable code points dropped: fullwidth forms become
//     ASCII, NBSP and thin spaces become spaces, zero-width characters and
//     soft hyphens vanish.
// Case is kept. Invalid UTF-8 becomes U+FFFD. ASCII text without '&', '%' or
// '\' is copied, and Latin-1 letters next to ASCII skip utf8proc.
#pragma once

#include <string>
#include <string_view>

namespace leakmon {

std::string PrepareScanText(std::string_view text);

// The same, without a copy when nothing changes (plain ASCII without
// escapes): returns `text` itself, or a view of `*storage`.
std::string_view PrepareScanText(std::string_view text, std::string* storage);

// Only the decoding step (no NFKC): exposed for tests.
std::string DecodeEscapes(std::string_view text);

}  // namespace leakmon
