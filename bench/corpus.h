// A seeded generator of synthetic leak pages with ground truth, for the
// quality test (tests/bench/quality_test.cpp) and the benchmark
// (bench/leakmon_bench.cpp).
//
// It makes people with valid identifiers: Finnish and Swedish names with
// diacritics (2-4 words), emails at the organization's domains, Finnish and
// Swedish phones, HETUs (some with the 2023 century signs, some temporary),
// personnummer, fødselsnummer, IBANs, card numbers and street addresses.
// The organization's people ("listed") go into people.csv; others are decoys.
// Pages (plain text, CSV, JSON, SQL dumps, HTML) plant listed identifiers in
// one of many written forms and obfuscations, recorded as ground truth,
// alongside decoys: other people's data, near misses with wrong checksums,
// dates, IP addresses, order numbers and filler prose.
//
// Listed and decoy people draw surnames from disjoint pools, and every listed
// person has a surname of their own, so no decoy text can contain a listed
// name by accident. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace leakmon::bench {

struct Person {
  std::string ref;
  std::vector<std::string> first;  // one or two given names
  std::vector<std::string> last;   // one or two family names
  std::string email;
  std::string phone;        // as written in the list (national format)
  std::string national_id;  // HETU, personnummer (YYMMDD-NNNC) or fødselsnummer
  std::string country;      // of the national id, phone and IBAN: FI, SE or NO
  std::string iban;         // grouped by four
  std::string card;         // grouped by four
  std::string address;      // street, number, staircase, flat
  std::string domain;       // the email's domain
};

// One planted identifier: on page `page`, kind `kind` (hash-ids kind name) of
// `ref`, written in form `form`.
struct Planted {
  std::size_t page;
  std::string kind;
  std::string ref;
  std::string form;
};

struct Page {
  std::string body;
  bool html = false;
  bool decoy_only = false;
};

struct CorpusOptions {
  std::uint64_t seed = 1;
  std::size_t listed_people = 300;   // people in people.csv
  std::size_t decoy_people = 300;
  std::size_t org_domains = 3;       // email_domain identifiers
  std::size_t filler_words = 120;    // prose words per page, on average
  double decoy_page_share = 0.25;    // pages with decoys only
  double html_share = 0.35;          // pages written as HTML
  std::size_t max_records = 4;       // listed records per page
};

class CorpusGenerator {
 public:
  explicit CorpusGenerator(CorpusOptions options);

  // people.csv (kind,value,ref): every listed person's identifiers, the
  // org domains, and terms (addresses).
  std::string PeopleCsv() const;
  // The same identifiers as plain lines, for `grep -F -f`.
  std::string PlainPatterns() const;

  // The next page; its planted identifiers are appended to `truth`.
  Page NextPage(std::vector<Planted>* truth);

  const std::vector<Person>& listed() const { return listed_; }

 private:
  Person MakePerson(std::size_t index, bool listed);
  std::string Name(const Person& p, const std::string& form);
  std::string Filler(std::size_t words);
  std::string DecoyNoise();
  void PlantRecord(const Person& p, std::size_t page, bool html, int format, std::string* out,
                   std::vector<Planted>* truth);
  void DecoyRecord(bool html, int format, std::string* out);
  std::string Pick(const std::vector<std::string>& v);
  std::size_t Below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  CorpusOptions options_;
  std::mt19937_64 rng_;
  std::vector<std::string> first_names_;
  std::vector<std::string> listed_surnames_;
  std::vector<std::string> decoy_surnames_;
  std::vector<std::string> org_domains_;
  std::vector<Person> listed_;
  std::vector<Person> decoys_;
  std::set<std::string> used_addresses_;
  std::size_t page_index_ = 0;
};

// Valid identifier makers, exposed for tests.
std::string MakeHetu(std::mt19937_64& rng, char sign, bool temporary);
std::string MakePersonnummer(std::mt19937_64& rng);
std::string MakeFodselsnummer(std::mt19937_64& rng);
std::string MakeIban(std::mt19937_64& rng, const std::string& country);
std::string MakeCard(std::mt19937_64& rng);

}  // namespace leakmon::bench
