#include "bench/quality.h"

#include <cstdio>
#include <set>
#include <stdexcept>

#include "common/csv.h"
#include "crawler/html_text.h"
#include "matcher/canonical.h"
#include "matcher/scanner.h"

namespace leakmon::bench {

QualityReport MeasureQuality(const CorpusOptions& options, std::size_t pages) {
  CorpusGenerator gen(options);
  SecretKey key = *SecretKey::Parse("leakmon-key v1 " + std::string(64, '7') + "\n");
  KeyedHasher hasher(key);
  PhoneCanonicalizer phone = *PhoneCanonicalizer::Create("FI");
  CanonicalOptions canonical;
  canonical.phone = &phone;

  // As hash-ids does it.
  IdentifierSet ids;
  std::set<std::uint64_t> vocabulary;
  const std::string people = gen.PeopleCsv();  // the reader keeps a view
  CsvReader reader(people);
  std::vector<std::string> row;
  reader.Next(&row);  // header
  QualityReport report;
  while (reader.Next(&row)) {
    Result<HashedIdentifier> h = HashIdentifier(*ParseKind(row[0]), row[1], hasher, canonical);
    if (!h.ok()) throw std::runtime_error("corpus made an invalid identifier: " + row[0] + ": " + h.status().message());
    ids.Add(h->kind, h->hash, h->tags, row[2], h->folded_hash, h->folded_tags);
    ids.set_max_words(std::max(ids.max_words(), h->word_count));
    for (const std::string& w : h->words) vocabulary.insert(hasher.VocabTag(w));
    ++report.identifiers;
  }
  for (std::uint64_t v : vocabulary) ids.AddVocabulary(v);
  ids.Finalize();
  std::unique_ptr<Scanner> scanner = std::move(*Scanner::Create(hasher, ids));

  HtmlLimits limits;
  for (std::size_t i = 0; i < pages; ++i) {
    std::vector<Planted> truth;
    Page page = gen.NextPage(&truth);
    std::string text = page.html ? ExtractHtml(page.body, limits)->text : page.body;
    std::set<std::pair<std::string, std::string>> found, planted;
    for (const Match& m : scanner->Scan(text)) {
      IdentifierView id = ids.identifier(m.id);
      found.emplace(std::string(KindName(id.kind)), std::string(id.ref));
    }
    for (const Planted& p : truth) {
      bool hit = found.count({p.kind, p.ref}) > 0;
      planted.emplace(p.kind, p.ref);
      for (Recall* r : {&report.by_kind[p.kind], &report.by_form[p.kind + "/" + p.form]}) {
        ++r->planted;
        r->found += hit ? 1 : 0;
      }
    }
    for (const auto& f : found) {
      if (planted.count(f)) continue;
      ++report.false_findings;
      if (page.decoy_only) ++report.decoy_page_findings;
    }
    ++report.pages;
    report.decoy_pages += page.decoy_only ? 1 : 0;
  }
  return report;
}

std::string QualityReport::Table() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%zu pages (%zu decoy-only), %zu identifiers; false findings: %zu (on decoy-only pages: %zu)\n\n",
                pages, decoy_pages, identifiers, false_findings, decoy_page_findings);
  out += line;
  out += "| class | planted | found | recall |\n|---|---:|---:|---:|\n";
  auto rows = [&](const std::map<std::string, Recall>& m, const char* prefix) {
    for (const auto& [name, r] : m) {
      std::snprintf(line, sizeof line, "| %s%s | %zu | %zu | %.2f%% |\n", prefix, name.c_str(), r.planted, r.found,
                    100.0 * r.rate());
      out += line;
    }
  };
  rows(by_kind, "kind ");
  rows(by_form, "");
  return out;
}

}  // namespace leakmon::bench
