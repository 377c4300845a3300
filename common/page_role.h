// What a fetched page is to its site: a listing (fetched every run, links
// followed) or an item (a paste: fetched once, scanned).
#pragma once

namespace leakmon {

enum class PageRole { kListing, kItem };

inline const char* PageRoleName(PageRole role) { return role == PageRole::kListing ? "listing" : "item"; }

}  // namespace leakmon
