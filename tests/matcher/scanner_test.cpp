#include "matcher/scanner.h"

#include <catch2/catch.hpp>
#include <map>

#include "matcher/canonical.h"

using namespace leakmon;

namespace {

struct Fixture {
  Fixture() : hasher(*SecretKey::Parse("leakmon-key v1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n")) {
    phone = std::make_unique<PhoneCanonicalizer>(*PhoneCanonicalizer::Create("FI"));
    Add(Kind::kEmail, "Matti.Virtanen@Example.fi", "P-1");
    Add(Kind::kName, "Matti Virtanen", "P-1");
    Add(Kind::kPhone, "040 123 4567", "P-1");
    Add(Kind::kNationalId, "131052-308T", "P-1");
    Add(Kind::kIban, "FI21 1234 5600 0007 85", "P-1");
    Add(Kind::kEmail, "liisa.makinen@gmail.com", "P-2");
    Add(Kind::kName, "Liisa Mäkinen", "P-2");
    Add(Kind::kTerm, "Mannerheimintie 12 B 34", "P-2");
    Add(Kind::kEmail, "pekka@mäkinen.fi", "P-3");
    Add(Kind::kName, "Anna-Liisa Korhonen", "P-4");
    Add(Kind::kPhone, "+46 70 123 45 67", "P-5");
    Add(Kind::kNationalId, "811228-9841", "P-5");
    Add(Kind::kNationalId, "131052Y308T", "P-6");
    Add(Kind::kNationalId, "010594Y9032", "P-7");
    Add(Kind::kNationalId, "151086 95088", "P-8");
    Add(Kind::kPaymentCard, "4111 1111 1111 1111", "P-9");
    Add(Kind::kTerm, "Project Nightjar", "");
    Add(Kind::kEmailDomain, "acme.fi", "");
    ids.Finalize();
    scanner = std::move(*Scanner::Create(hasher, ids));
  }
  void Add(Kind kind, const std::string& value, const std::string& ref) {
    CanonicalOptions options;
    options.phone = phone.get();
    HashedIdentifier h = *HashIdentifier(kind, value, hasher, options);
    ids.Add(kind, h.hash, h.tags, ref, h.folded_hash, h.folded_tags);
    for (const std::string& w : h.words) ids.AddVocabulary(hasher.VocabTag(w));
    ids.set_max_words(std::max(ids.max_words(), h.word_count));
  }
  // "kind:ref" -> count
  std::map<std::string, std::uint32_t> Scan(const std::string& text) {
    std::map<std::string, std::uint32_t> out;
    for (const Match& m : scanner->Scan(text)) {
      IdentifierView id = ids.identifier(m.id);
      out[std::string(KindName(id.kind)) + ":" + std::string(id.ref)] += m.count;
    }
    return out;
  }
  std::map<std::string, Strength> Strengths(const std::string& text) {
    std::map<std::string, Strength> out;
    for (const Match& m : scanner->Scan(text)) {
      IdentifierView id = ids.identifier(m.id);
      out[std::string(KindName(id.kind)) + ":" + std::string(id.ref)] = m.strength;
    }
    return out;
  }
  KeyedHasher hasher;
  std::unique_ptr<PhoneCanonicalizer> phone;
  IdentifierSet ids;
  std::unique_ptr<Scanner> scanner;
};

Fixture& Shared() {
  static Fixture f;
  return f;
}

std::string CfEncode(const std::string& email, unsigned char key) {
  static const char* hex = "0123456789abcdef";
  std::string out = {hex[key >> 4], hex[key & 15]};
  for (unsigned char c : email) {
    unsigned char x = c ^ key;
    out += hex[x >> 4];
    out += hex[x & 15];
  }
  return out;
}

struct Case {
  const char* form;  // the kind or obfuscation form under test
  std::string text;
  std::map<std::string, std::uint32_t> want;
};

using M = std::map<std::string, std::uint32_t>;

}  // namespace

TEST_CASE("Every kind, in the ways it is written") {
  auto c = GENERATE(values<Case>({
      {"email", "contact MATTI.VIRTANEN@EXAMPLE.FI now", M{{"email:P-1", 1}}},
      {"email +tag probe", "matti.virtanen+spam@example.fi", M{{"email:P-1", 1}}},
      {"email gmail folding", "Liisa.Makinen+x@googlemail.com", M{{"email:P-2", 1}}},
      {"email IDNA", "pekka@M\xC3\x84KINEN.fi and pekka@xn--mkinen-bua.fi", M{{"email:P-3", 2}}},
      {"email then a sentence", "write to matti.virtanen@example.fi.Thanks", M{{"email:P-1", 1}}},
      {"email_domain of an email", "x@mail.acme.fi", M{{"email_domain:", 1}}},
      {"email_domain in a link", "see https://intra.acme.fi/page and http://acme.fi:8080/", M{{"email_domain:", 2}}},
      {"phone national", "puh. 040 123 4567", M{{"phone:P-1", 1}}},
      {"phone international", "+358 40 123 4567, +358-40-1234567", M{{"phone:P-1", 2}}},
      {"phone 00 prefix", "00358401234567", M{{"phone:P-1", 1}}},
      {"phone parentheses", "(040) 123-4567", M{{"phone:P-1", 1}}},
      {"phone other region", "+46 70-123 45 67", M{{"phone:P-5", 1}}},
      {"HETU", "hetu 131052-308T.", M{{"national_id:P-1", 1}}},
      {"HETU lowercase", "131052-308t", M{{"national_id:P-1", 1}}},
      {"HETU 2023 sign", "131052Y308T", M{{"national_id:P-6", 1}}},
      {"HETU temporary", "010594Y9032", M{{"national_id:P-7", 1}}},
      {"personnummer", "19811228-9841 811228-9841 8112289841", M{{"national_id:P-5", 3}}},
      {"fodselsnummer", "151086 95088 and 15108695088", M{{"national_id:P-8", 2}}},
      {"IBAN", "fi21 1234 5600 0007 85 / FI2112345600000785", M{{"iban:P-1", 2}}},
      {"card", "4111-1111-1111-1111 and 4111111111111111", M{{"payment_card:P-9", 2}}},
      {"name", "Name: Matti   Virtanen.", M{{"name:P-1", 1}}},
      {"name family first", "VIRTANEN Matti. Then Virtanen, Matti", M{{"name:P-1", 2}}},
      {"name line break", "Matti\nVirtanen", M{{"name:P-1", 1}}},
      {"name three words", "Anna-Liisa Korhonen, KORHONEN Anna-Liisa", M{{"name:P-4", 2}}},
      {"name combining mark", "liisa MÄKINEN; and Liisa Ma\xCC\x88kinen", M{{"name:P-2", 2}}},
      {"name folded", "Liisa Makinen", M{{"name:P-2", 1}}},
      {"term", "roadmap: project-nightjar", M{{"term:", 1}}},
      {"term address", "asuu Mannerheimintie 12 B 34, Helsinki", M{{"term:P-2", 1}}},
  }));
  INFO(c.form);
  CHECK(Shared().Scan(c.text) == c.want);
}

TEST_CASE("Every obfuscation form") {
  const std::string cf = CfEncode("matti.virtanen@example.fi", 0x42);
  auto c = GENERATE_COPY(values<Case>({
      {"entity &#64;", "matti.virtanen&#64;example&#46;fi", M{{"email:P-1", 1}}},
      {"entity &commat;", "matti.virtanen&commat;example&period;fi", M{{"email:P-1", 1}}},
      {"mailto: percent", "mailto:matti.virtanen%40example.fi", M{{"email:P-1", 1}}},
      {"tel:", "tel:+358401234567", M{{"phone:P-1", 1}}},
      {"[at] [dot]", "matti.virtanen [at] example [dot] fi", M{{"email:P-1", 1}}},
      {"(at) (dot)", "matti.virtanen(at)example(dot)fi", M{{"email:P-1", 1}}},
      {"{at} {dot}", "matti.virtanen{at}example{dot}fi", M{{"email:P-1", 1}}},
      {"[AT] spaced", "matti.virtanen [ AT ] example.fi", M{{"email:P-1", 1}}},
      {"ät piste", "matti.virtanen \xC3\xA4t example piste fi", M{{"email:P-1", 1}}},
      {"[ät] [piste]", "matti.virtanen[\xC3\xA4t]example[piste]fi", M{{"email:P-1", 1}}},
      {"bare at dot", "matti.virtanen at example dot fi", M{{"email:P-1", 1}}},
      {"bare at, real dot", "matti.virtanen AT example.fi", M{{"email:P-1", 1}}},
      {"bare at, not an address", "I met matti at example dot", M{}},
      {"zero-width in email", "matti.vir\xE2\x80\x8Btanen@example.fi", M{{"email:P-1", 1}}},
      {"soft hyphen in name", "Mat\xC2\xADti Virtanen", M{{"name:P-1", 1}}},
      {"zero-width in digits", "040\xE2\x80\x8B" "1234567", M{{"phone:P-1", 1}}},
      {"fullwidth email",
       "\xEF\xBD\x8D\xEF\xBD\x81\xEF\xBD\x94\xEF\xBD\x94\xEF\xBD\x89.virtanen\xEF\xBC\xA0" "example.fi",
       M{{"email:P-1", 1}}},
      {"fullwidth digits", "\xEF\xBC\x90\xEF\xBC\x94\xEF\xBC\x90 123 4567", M{{"phone:P-1", 1}}},
      {"NBSP in digit groups", "040\xC2\xA0" "123\xC2\xA0" "4567", M{{"phone:P-1", 1}}},
      {"thin space in digit groups", "4111\xE2\x80\x89" "1111\xE2\x80\x89" "1111\xE2\x80\x89" "1111",
       M{{"payment_card:P-9", 1}}},
      {"data-cfemail", "<a data-cfemail=\"" + cf + "\">[email protected]</a>", M{{"email:P-1", 1}}},
      {"email-protection#", "/cdn-cgi/l/email-protection#" + cf, M{{"email:P-1", 1}}},
      {"CSV row", "Virtanen,Matti,131052-308T,0401234567,matti.virtanen@example.fi,FI2112345600000785",
       M{{"name:P-1", 1}, {"national_id:P-1", 1}, {"phone:P-1", 1}, {"email:P-1", 1}, {"iban:P-1", 1}}},
      {"JSON row",
       "{\"name\":\"Matti Virtanen\",\"hetu\":\"131052-308T\",\"phone\":\"+358 40 123 4567\","
       "\"email\":\"matti.virtanen\\u0040example.fi\"}",
       M{{"name:P-1", 1}, {"national_id:P-1", 1}, {"phone:P-1", 1}, {"email:P-1", 1}}},
      {"SQL row", "INSERT INTO patients VALUES (17,'Virtanen','Matti','131052-308T','040-123 4567');",
       M{{"name:P-1", 1}, {"national_id:P-1", 1}, {"phone:P-1", 1}}},
  }));
  INFO(c.form);
  CHECK(Shared().Scan(c.text) == c.want);
}

TEST_CASE("Decoys and near misses find nothing") {
  auto text = GENERATE(as<std::string>{},
                       "131052-308U",                 // bad HETU check character
                       "131052-308T9",                // glued to a digit
                       "310252-308Y",                 // no such date
                       "811228-9842",                 // bad Luhn
                       "15108695077",                 // bad mod-11
                       "4111 1111 1111 1112",         // bad Luhn
                       "FI21 1234 5600 0007 86",      // bad mod 97
                       "040 123 4568",                // another number
                       "192.168.1.10 2023-01-05 12.05.2023 order #0401234",
                       "Mannerheimintie 12 B 35", "Matti Virtane", "Virtanen Mattila",
                       "matti.virtanen@example.com", "nothing to see", "");
  INFO(text);
  CHECK(Shared().Scan(text).empty());
}

TEST_CASE("Words of an email address are not also a name") {
  CHECK(Shared().Scan("matti.virtanen@example.fi") == M{{"email:P-1", 1}});
  CHECK(Shared().Scan("matti.virtanen [at] example [dot] fi Matti Virtanen") == M{{"email:P-1", 1}, {"name:P-1", 1}});
}

TEST_CASE("Folded names are a weaker match, and exact wins when both occur") {
  CHECK(Shared().Strengths("Liisa Makinen")["name:P-2"] == Strength::kFolded);
  CHECK(Shared().Strengths("Liisa Mäkinen")["name:P-2"] == Strength::kExact);
  CHECK(Shared().Strengths("Liisa Makinen, and Liisa Mäkinen")["name:P-2"] == Strength::kExact);
  CHECK(Shared().Scan("Liisa Makinen, and Liisa Mäkinen") == M{{"name:P-2", 2}});
  CHECK(Shared().Strengths("Matti Virtanen")["name:P-1"] == Strength::kExact);
}

TEST_CASE("Hostile text never crashes the scanner") {
  Fixture& f = Shared();
  std::string junk;
  for (int i = 0; i < 65536; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xff));
  CHECK_NOTHROW(f.Scan(junk));
  CHECK_NOTHROW(f.Scan(std::string(100000, '@')));
  CHECK_NOTHROW(f.Scan(std::string(100000, 'a') + "@" + std::string(100000, 'b') + ".fi"));
  CHECK_NOTHROW(f.Scan(std::string(200000, '1')));
  std::string groups;
  for (int i = 0; i < 50000; ++i) groups += "1 ";
  CHECK_NOTHROW(f.Scan(groups));
  std::string ats;
  for (int i = 0; i < 20000; ++i) ats += "a [at] b [dot] ";
  CHECK_NOTHROW(f.Scan(ats));
}

TEST_CASE("An unknown default region is an error") {
  Fixture& f = Shared();
  ScanOptions o;
  o.default_region = "ZZ";
  CHECK_FALSE(Scanner::Create(f.hasher, f.ids, o).ok());
}
