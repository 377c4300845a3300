#include "bench/corpus.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace leakmon::bench {
namespace {

const char* const kFirstNames[] = {
    "Matti", "Liisa", "Päivi", "Jyrki", "Anna", "Mikko", "Sari", "Jörgen", "Åsa", "Björn", "Sanna", "Tiina",
    "Juha", "Pekka", "Sirpa", "Eeva", "Kaisa", "Ville", "Tuomas", "Mirja", "Heikki", "Ritva", "Jaana", "Lars",
    "Sören", "Märta", "Göran", "Ingrid", "Kerttu", "Väinö", "Ilkka", "Outi", "Hannu", "Minna", "Riikka", "Timo",
    "Elina", "Aino", "Eino", "Helmi", "Onni", "Siiri", "Ülle", "Øystein", "Ærling", "Noora", "Petri", "Katja"};

const char* const kSurnameHeads[] = {"Vir", "Mäki", "Kor", "Lah", "Nie", "Hei", "Kos", "Jär", "Sö", "Berg",
                                     "Lind", "Ström", "Sjö", "Ny", "Ek", "Holm", "Hä", "Kal", "Ran", "Saa",
                                     "Tör", "Öh", "Ålö", "Pel", "Kuu", "Lei", "Mus", "Tur", "Haa", "Ves"};
const char* const kSurnameMids[] = {"", "ki", "va", "lo", "rö", "ta", "ne", "mä"};
const char* const kSurnameTails[] = {"tanen", "nen", "honen", "kinen", "mi", "la", "berg", "ström",
                                     "qvist", "lund", "gren", "man", "sson", "dahl", "järvi", "vaara"};

const char* const kFiller[] = {
    "the", "and", "dump", "leak", "records", "patient", "notes", "session", "therapy", "database", "export",
    "full", "price", "bitcoin", "contact", "download", "mirror", "part", "sample", "proof", "table", "rows",
    "ja", "tai", "potilas", "tiedot", "hinta", "lisää", "kaikki", "uusi", "vanha", "tietokanta", "vuoto",
    "asiakas", "numero", "osoite", "käynti", "hoito", "lasku", "maksu", "tili", "kortti", "kuukausi", "vuosi",
    "och", "med", "kund", "uppgifter", "betalning", "adress", "for", "sale", "only", "today", "verified",
    "fresh", "private", "admin", "password", "hash", "user", "id", "status", "active", "closed", "pending",
    "Helsinki", "Espoo", "Tampere", "Turku", "Oulu", "Stockholm", "Göteborg", "Oslo", "Bergen", "visit",
    "doctor", "clinic", "appointment", "diagnosis", "prescription", "comment", "follow", "up", "week"};

const char* const kStreets[] = {"Mannerheimintie", "Hämeentie", "Aleksanterinkatu", "Pitkäkatu",
                                "Kungsgatan", "Drottninggatan", "Storgata", "Tehtaankatu", "Pohjoisesplanadi",
                                "Runeberginkatu", "Sörnäistenranta", "Åkerlundinkatu"};

const char* const kDecoyDomains[] = {"example.com", "mail.ru", "protonmail.com", "yahoo.co.uk", "outlook.com",
                                     "web.de"};

constexpr const char* kHetuCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY";

int Rand(std::mt19937_64& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

std::string Pad(int v, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, v);
  return buf;
}

int LuhnDigit(const std::string& payload) {  // check digit to append
  int sum = 0;
  bool dbl = true;
  for (std::size_t i = payload.size(); i > 0; --i) {
    int d = payload[i - 1] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return (10 - sum % 10) % 10;
}

std::string Group4(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && i % 4 == 0) out.push_back(' ');
    out.push_back(s[i]);
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

std::string Upper(std::string s) {
  // ASCII and the Latin-1 letters used here (C3 A0-BE -> C3 80-9E).
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 'a' && c <= 'z') s[i] = static_cast<char>(c - 32);
    if (c == 0xC3 && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0xA0 && d <= 0xBE && d != 0xB7) s[i + 1] = static_cast<char>(d - 0x20);
      ++i;
    }
  }
  return s;
}

// ä -> a, ö -> o, å -> a, ü -> u, ø -> o, æ -> ae (and capitals).
std::string Fold(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[++i]);
      switch (d) {
        case 0xA4: case 0xA5: out += 'a'; break;
        case 0x84: case 0x85: out += 'A'; break;
        case 0xB6: case 0xB8: out += 'o'; break;
        case 0x96: case 0x98: out += 'O'; break;
        case 0xBC: out += 'u'; break;
        case 0x9C: out += 'U'; break;
        case 0xA6: out += "ae"; break;
        case 0x86: out += "Ae"; break;
        default: out += static_cast<char>(c); out += static_cast<char>(d);
      }
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Fullwidth(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c > 0x20 && c < 0x7F) {
      unsigned cp = 0xFF00 + (c - 0x20);
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string EntityEncode(const std::string& s, bool named) {
  std::string out;
  for (char c : s) {
    if (c == '@') {
      out += named ? "&commat;" : "&#64;";
    } else if (c == '.') {
      out += named ? "&period;" : "&#46;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string CfEmail(std::mt19937_64& rng, const std::string& email) {
  static const char* hex = "0123456789abcdef";
  unsigned key = static_cast<unsigned>(Rand(rng, 1, 255));
  std::string out = {hex[key >> 4], hex[key & 15]};
  for (unsigned char c : email) {
    unsigned x = c ^ key;
    out += hex[x >> 4];
    out += hex[x & 15];
  }
  return out;
}

// Inserts a zero-width space (or soft hyphen) after the first few characters.
std::string Invisible(const std::string& s, bool soft_hyphen) {
  std::size_t at = std::min<std::size_t>(3, s.size() / 2);
  while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;  // a character boundary
  return s.substr(0, at) + (soft_hyphen ? "\xC2\xAD" : "\xE2\x80\x8B") + s.substr(at);
}

std::string Digits(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string MakeHetu(std::mt19937_64& rng, char sign, bool temporary) {
  int century = (sign == '+') ? 1800 : (sign >= 'A' && sign <= 'F') ? 2000 : 1900;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int yy = Rand(rng, 0, 99);
  if (century == 2000) yy = Rand(rng, 0, 23);
  int month = Rand(rng, 1, 12);
  int day = Rand(rng, 1, kDays[month - 1]);
  int individual = temporary ? Rand(rng, 900, 999) : Rand(rng, 2, 899);
  std::string date = Pad(day, 2) + Pad(month, 2) + Pad(yy, 2);
  long long n = std::stoll(date) * 1000 + individual;
  return date + sign + Pad(individual, 3) + kHetuCheck[n % 31];
}

std::string MakePersonnummer(std::mt19937_64& rng) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int month = Rand(rng, 1, 12);
  std::string payload = Pad(Rand(rng, 40, 99), 2) + Pad(month, 2) + Pad(Rand(rng, 1, kDays[month - 1]), 2) +
                        Pad(Rand(rng, 0, 999), 3);
  return payload.substr(0, 6) + "-" + payload.substr(6) + std::to_string(LuhnDigit(payload));
}

std::string MakeFodselsnummer(std::mt19937_64& rng) {
  static constexpr int kW1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
  static constexpr int kW2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (;;) {
    int month = Rand(rng, 1, 12);
    std::string p = Pad(Rand(rng, 1, kDays[month - 1]), 2) + Pad(month, 2) + Pad(Rand(rng, 40, 99), 2) +
                    Pad(Rand(rng, 0, 499), 3);
    int s = 0;
    for (int i = 0; i < 9; ++i) s += (p[static_cast<std::size_t>(i)] - '0') * kW1[i];
    int k1 = 11 - s % 11;
    if (k1 == 11) k1 = 0;
    if (k1 == 10) continue;
    p += static_cast<char>('0' + k1);
    s = 0;
    for (int i = 0; i < 10; ++i) s += (p[static_cast<std::size_t>(i)] - '0') * kW2[i];
    int k2 = 11 - s % 11;
    if (k2 == 11) k2 = 0;
    if (k2 == 10) continue;
    return p + static_cast<char>('0' + k2);
  }
}

std::string MakeIban(std::mt19937_64& rng, const std::string& country) {
  std::size_t bban = country == "FI" ? 14 : country == "SE" ? 20 : 11;  // NO
  std::string b;
  for (std::size_t i = 0; i < bban; ++i) b += static_cast<char>('0' + Rand(rng, 0, 9));
  // check = 98 - (BBAN + country digits + "00") mod 97
  std::string moved = b;
  for (char c : country) moved += std::to_string(c - 'A' + 10);
  moved += "00";
  int rem = 0;
  for (char c : moved) rem = (rem * 10 + (c - '0')) % 97;
  return Group4(country + Pad(98 - rem, 2) + b);
}

std::string MakeCard(std::mt19937_64& rng) {
  std::string p = Rand(rng, 0, 1) ? "4" : "5" + std::to_string(Rand(rng, 1, 5));
  while (p.size() < 15) p += static_cast<char>('0' + Rand(rng, 0, 9));
  return Group4(p + std::to_string(LuhnDigit(p)));
}

CorpusGenerator::CorpusGenerator(CorpusOptions options) : options_(options), rng_(options.seed) {
  for (const char* f : kFirstNames) first_names_.push_back(f);
  std::vector<std::string> surnames;
  for (const char* h : kSurnameHeads) {
    for (const char* m : kSurnameMids) {
      for (const char* t : kSurnameTails) surnames.push_back(std::string(h) + m + t);
    }
  }
  std::shuffle(surnames.begin(), surnames.end(), rng_);
  // Disjoint pools; listed people need one surname each (pairs of surnames
  // extend the pool when there are more people than surnames).
  std::size_t half = surnames.size() / 2;
  listed_surnames_.assign(surnames.begin(), surnames.begin() + static_cast<std::ptrdiff_t>(half));
  decoy_surnames_.assign(surnames.begin() + static_cast<std::ptrdiff_t>(half), surnames.end());
  for (std::size_t i = 0; i < options_.org_domains; ++i) {
    static const char* const kOrg[] = {"acme.fi", "yhtiö.fi", "corp.example.se", "klinikka.fi", "hoiva.fi"};
    org_domains_.push_back(i < 5 ? kOrg[i] : "org" + std::to_string(i) + ".fi");
  }
  for (std::size_t i = 0; i < options_.listed_people; ++i) listed_.push_back(MakePerson(i, true));
  for (std::size_t i = 0; i < options_.decoy_people; ++i) decoys_.push_back(MakePerson(i, false));
}

std::string CorpusGenerator::Pick(const std::vector<std::string>& v) { return v[Below(v.size())]; }

Person CorpusGenerator::MakePerson(std::size_t index, bool listed) {
  Person p;
  p.ref = (listed ? "P-" : "D-") + std::to_string(index + 1);
  p.first.push_back(Pick(first_names_));
  if (Chance(0.2)) p.first.push_back(Pick(first_names_));
  if (listed) {
    // A surname of one's own: the pool, then pairs ("Virtanen-Mäkelä") of it.
    std::size_t n = listed_surnames_.size();
    if (index < n) {
      p.last.push_back(listed_surnames_[index]);
    } else {
      p.last.push_back(listed_surnames_[index % n]);
      p.last.push_back(listed_surnames_[(index / n + index) % n]);
    }
  } else {
    p.last.push_back(Pick(decoy_surnames_));
    if (Chance(0.1)) p.last.push_back(Pick(decoy_surnames_));
  }
  p.domain = listed ? org_domains_[Below(org_domains_.size())] : kDecoyDomains[Below(std::size(kDecoyDomains))];
  std::string local = Lower(Fold(p.first[0])).substr(0, 1) + Lower(Fold(p.last[0])) + std::to_string(index % 997);
  if (Chance(0.1)) {
    p.domain = listed ? "gmail.com" : "yahoo.com";
    local = Lower(Fold(p.first[0])).substr(0, 1) + "." + Lower(Fold(p.last[0])) + std::to_string(index % 997);
  }
  p.email = local + "@" + p.domain;
  int scheme = static_cast<int>(Below(10));
  if (scheme < 8) {
    int r = static_cast<int>(Below(20));
    char sign = r < 14 ? '-' : r < 16 ? 'A' : r < 17 ? '+' : "YXWVUBCDEF"[Below(10)];
    p.country = "FI";
    p.national_id = MakeHetu(rng_, sign, Chance(0.05));
    p.phone = "04" + std::to_string(Below(7)) + " " + std::to_string(1000000 + Below(9000000));
    p.iban = MakeIban(rng_, "FI");
  } else if (scheme == 8) {
    p.country = "SE";
    p.national_id = MakePersonnummer(rng_);
    p.phone = "+46 7" + std::string(1, "0236"[Below(4)]) + " " + std::to_string(100 + Below(900)) + " " +
              std::to_string(10 + Below(90)) + " " + std::to_string(10 + Below(90));
    p.iban = MakeIban(rng_, "SE");
  } else {
    p.country = "NO";
    p.national_id = MakeFodselsnummer(rng_);
    static const char* const kNoMobile[] = {"40", "41", "45", "46", "47", "48", "90", "92", "95", "98"};
    p.phone = "+47 " + std::string(kNoMobile[Below(std::size(kNoMobile))]) + std::to_string(Below(10)) + " " +
              std::to_string(10 + Below(90)) + " " + std::to_string(100 + Below(900));
    p.iban = MakeIban(rng_, "NO");
  }
  p.card = MakeCard(rng_);
  // Listed addresses: flats 1-99; decoys: 100-199, so no decoy is a listed address.
  do {
    p.address = std::string(kStreets[Below(std::size(kStreets))]) + " " + std::to_string(1 + Below(80)) + " " +
                std::string(1, "ABCDEF"[Below(6)]) + " " + std::to_string((listed ? 1 : 100) + Below(99));
  } while (listed && !used_addresses_.insert(p.address).second && used_addresses_.size() < 500000);
  return p;
}

std::string CorpusGenerator::PeopleCsv() const {
  std::string out = "kind,value,ref\n";
  auto row = [&out](const char* kind, const std::string& value, const std::string& ref) {
    out += kind;
    out += ",\"" + value + "\"," + ref + "\n";
  };
  for (std::size_t i = 0; i < org_domains_.size(); ++i) row("email_domain", org_domains_[i], "D-" + std::to_string(i));
  for (const Person& p : listed_) {
    std::string name;
    for (const std::string& f : p.first) name += f + " ";
    for (std::size_t i = 0; i < p.last.size(); ++i) name += (i ? "-" : "") + p.last[i];
    row("name", name, p.ref);
    row("email", p.email, p.ref);
    row("phone", p.phone, p.ref);
    row("national_id", p.national_id, p.ref);
    row("iban", p.iban, p.ref);
    row("payment_card", p.card, p.ref);
    row("term", p.address, p.ref);
  }
  return out;
}

std::string CorpusGenerator::PlainPatterns() const {
  std::string out;
  for (const std::string& d : org_domains_) out += d + "\n";
  for (const Person& p : listed_) {
    std::string name;
    for (const std::string& f : p.first) name += f + " ";
    for (std::size_t i = 0; i < p.last.size(); ++i) name += (i ? "-" : "") + p.last[i];
    out += name + "\n" + p.email + "\n" + p.phone + "\n" + p.national_id + "\n" + p.iban + "\n" + p.card +
           "\n" + p.address + "\n";
  }
  return out;
}

std::string CorpusGenerator::Name(const Person& p, const std::string& form) {
  std::string given, family;
  for (std::size_t i = 0; i < p.first.size(); ++i) given += (i ? " " : "") + p.first[i];
  for (std::size_t i = 0; i < p.last.size(); ++i) family += (i ? "-" : "") + p.last[i];
  if (form == "family_first") return Upper(family) + " " + given;
  if (form == "comma") return family + ", " + given;
  if (form == "line_break") return given + "\n" + family;
  if (form == "soft_hyphen") return given + " " + Invisible(family, true);
  if (form == "folded") return Fold(given) + " " + Fold(family);
  if (form == "split_tags") return "<b>" + given + "</b> " + family;
  return given + " " + family;
}

std::string CorpusGenerator::Filler(std::size_t words) {
  std::string out;
  for (std::size_t i = 0; i < words; ++i) {
    if (i) out += (Below(12) == 0) ? ". " : " ";
    out += kFiller[Below(std::size(kFiller))];
  }
  return out;
}

std::string CorpusGenerator::DecoyNoise() {
  switch (Below(8)) {
    case 0: return Pad(static_cast<int>(1 + Below(28)), 2) + "." + Pad(static_cast<int>(1 + Below(12)), 2) + "." +
                   std::to_string(2000 + Below(25));
    case 1: return std::to_string(2000 + Below(25)) + "-" + Pad(static_cast<int>(1 + Below(12)), 2) + "-" +
                   Pad(static_cast<int>(1 + Below(28)), 2) + " " + Pad(static_cast<int>(Below(24)), 2) + ":" +
                   Pad(static_cast<int>(Below(60)), 2);
    case 2: return std::to_string(10 + Below(240)) + "." + std::to_string(Below(256)) + "." +
                   std::to_string(Below(256)) + "." + std::to_string(1 + Below(254));
    case 3: return "order #" + std::to_string(100000 + Below(900000)) + ", ORD-" + std::to_string(2000 + Below(25)) +
                   "-" + Pad(static_cast<int>(Below(1000000)), 6);
    case 4: {  // near-miss HETU: a listed one with another check character
      std::string h = listed_[Below(listed_.size())].national_id;
      if (h.size() == 11 && (h[6] < '0' || h[6] > '9')) {
        h[10] = h[10] == 'Y' ? 'X' : (h[10] == '9' ? 'A' : static_cast<char>(h[10] + 1));
        if (h[10] == 'G' || h[10] == 'I' || h[10] == 'O' || h[10] == 'Q' || h[10] == 'Z') ++h[10];
        return h;
      }
      return "131052-308U";
    }
    case 5: {  // near-miss card: another last digit fails Luhn
      std::string c = listed_[Below(listed_.size())].card;
      c.back() = static_cast<char>('0' + (c.back() - '0' + 1) % 10);
      return c;
    }
    case 6: {  // near-miss IBAN: other check digits
      std::string i = listed_[Below(listed_.size())].iban;
      i[2] = static_cast<char>('0' + (i[2] - '0' + 1) % 10);
      return i;
    }
    default: return std::to_string(Below(100)) + "," + Pad(static_cast<int>(Below(100)), 2) + " EUR";
  }
}

void CorpusGenerator::PlantRecord(const Person& p, std::size_t page, bool html, int format, std::string* out,
                                  std::vector<Planted>* truth) {
  auto plant = [&](const char* kind, const std::string& form) { truth->push_back({page, kind, p.ref, form}); };
  std::vector<std::pair<std::string, std::string>> fields;  // label, text

  if (Chance(0.7)) {
    std::vector<std::string> forms = {"plain", "family_first", "comma", "line_break", "soft_hyphen"};
    if (Fold(Name(p, "plain")) != Name(p, "plain")) forms.push_back("folded");
    if (html) forms.push_back("split_tags");
    if (format != 0) forms = {"plain", "family_first", "folded"};  // structured rows: one field
    std::string form = Pick(forms);
    if (form == "folded" && Fold(Name(p, "plain")) == Name(p, "plain")) form = "plain";
    fields.emplace_back("name", Name(p, form));
    plant("name", form);
  }
  if (Chance(0.6)) {
    std::vector<std::string> forms = {"plain", "plus_tag", "entity", "entity_named", "bracket", "paren", "brace",
                                      "finnish", "bare", "zero_width", "fullwidth"};
    if (html) {
      forms.push_back("mailto");
      forms.push_back("cfemail");
      forms.push_back("cf_link");
    }
    if (format == 2) forms.push_back("json_escape");
    std::string form = Pick(forms);
    std::string e = p.email, at = e.substr(0, e.find('@')), dom = e.substr(e.find('@') + 1);
    std::string domain_dot = dom;
    std::string text;
    auto dotted = [&](const std::string& sep) {
      std::string d = dom;
      std::string r;
      for (char c : d) r += c == '.' ? sep : std::string(1, c);
      return r;
    };
    if (form == "plus_tag") text = at + "+leak" + std::to_string(Below(99)) + "@" + dom;
    else if (form == "entity") text = EntityEncode(e, false);
    else if (form == "entity_named") text = EntityEncode(e, true);
    else if (form == "bracket") text = at + " [at] " + dotted(" [dot] ");
    else if (form == "paren") text = at + "(at)" + dotted("(dot)");
    else if (form == "brace") text = at + " {at} " + dotted(" {dot} ");
    else if (form == "finnish") text = at + " \xC3\xA4t " + dotted(" piste ");
    else if (form == "bare") text = at + " at " + dotted(" dot ");
    else if (form == "zero_width") text = Invisible(e, false);
    else if (form == "fullwidth") text = Fullwidth(e);
    else if (form == "mailto") {
      std::string enc = at + "%40" + dom;
      text = "<a href=\"mailto:" + enc + "\">s\xC3\xA4hk\xC3\xB6posti</a>";
    } else if (form == "cfemail") {
      text = "<a href=\"/cdn-cgi/l/email-protection\" class=\"__cf_email__\" data-cfemail=\"" + CfEmail(rng_, e) +
             "\">[email&#160;protected]</a>";
    } else if (form == "cf_link") {
      text = "<a href=\"/cdn-cgi/l/email-protection#" + CfEmail(rng_, e) + "\">email</a>";
    } else if (form == "json_escape") {
      text = at + "\\u0040" + dom;
    } else {
      text = e;
    }
    fields.emplace_back("email", text);
    plant("email", form);
    if (dom != "gmail.com") {
      for (std::size_t i = 0; i < org_domains_.size(); ++i) {
        if (org_domains_[i] == dom) truth->push_back({page, "email_domain", "D-" + std::to_string(i), "email"});
      }
    }
  }
  if (Chance(0.6)) {
    const bool fi = p.phone[0] == '0';
    std::vector<std::string> forms = {"as_listed", "nbsp", "thin_space", "fullwidth", "zero_width"};
    if (fi) {
      forms.insert(forms.end(), {"international", "dashes", "zero_zero", "compact"});
    }
    if (html) forms.push_back("tel");
    std::string form = Pick(forms);
    std::string d = Digits(p.phone);
    std::string text = p.phone;
    if (form == "international") text = "+358 " + d.substr(1, 2) + " " + d.substr(3);
    else if (form == "dashes") text = d.substr(0, 3) + "-" + d.substr(3, 3) + " " + d.substr(6);
    else if (form == "zero_zero") text = "00358" + d.substr(1);
    else if (form == "compact") text = d;
    else if (form == "nbsp") { text = p.phone; for (std::size_t k = 0; (k = text.find(' ', k)) != std::string::npos;) text.replace(k, 1, "\xC2\xA0"); }
    else if (form == "thin_space") { text = p.phone; for (std::size_t k = 0; (k = text.find(' ', k)) != std::string::npos;) text.replace(k, 1, "\xE2\x80\x89"); }
    else if (form == "fullwidth") text = Fullwidth(p.phone);
    else if (form == "zero_width") text = Invisible(p.phone, false);
    else if (form == "tel") text = "<a href=\"tel:" + (fi ? "+358" + d.substr(1) : "+" + d) + "\">soita</a>";
    fields.emplace_back("phone", text);
    plant("phone", form);
  }
  if (Chance(0.6)) {
    std::vector<std::string> forms = {"plain", "zero_width"};
    if (p.country == "FI") forms.push_back("lowercase");
    // Sweden: the 10-digit YYMMDDNNNC, and the 12 digits with the century
    // (YYYYMMDD-NNNC; the generated years are 1940-1999).
    if (p.country == "SE") forms.insert(forms.end(), {"se_compact", "se_century"});
    std::string form = Pick(forms);
    std::string text = p.national_id;
    if (form == "lowercase") text = Lower(text);
    else if (form == "zero_width") text = Invisible(text, false);
    else if (form == "se_compact") text = Digits(text);
    else if (form == "se_century") text = "19" + text;
    fields.emplace_back("id", text);
    plant("national_id", form);
  }
  if (Chance(0.4)) {
    std::string form = Pick({"grouped", "compact", "lowercase"});
    std::string text = form == "grouped" ? p.iban : form == "compact" ? Digits(p.iban) : Lower(p.iban);
    if (form == "compact") text = p.iban.substr(0, 2) + Digits(p.iban.substr(2));
    fields.emplace_back("iban", text);
    plant("iban", form);
  }
  if (Chance(0.3)) {
    std::string form = Pick({"grouped", "dashes", "compact", "nbsp"});
    std::string text = p.card;
    for (std::size_t k = 0; (k = text.find(' ', k)) != std::string::npos;) {
      text.replace(k, 1, form == "dashes" ? "-" : form == "compact" ? "" : form == "nbsp" ? "\xC2\xA0" : " ");
      if (form != "compact") ++k;
    }
    fields.emplace_back("card", text);
    plant("payment_card", form);
  }
  if (Chance(0.3)) {
    fields.emplace_back("address", p.address);
    plant("term", "plain");
  }
  if (fields.empty()) return;

  std::string row;
  switch (format) {
    case 1:  // CSV
      for (std::size_t i = 0; i < fields.size(); ++i) row += (i ? "," : "") + fields[i].second;
      row += "\n";
      break;
    case 2:  // JSON
      row = "{";
      for (std::size_t i = 0; i < fields.size(); ++i) {
        row += (i ? ", \"" : "\"") + fields[i].first + "\": \"" +
               (fields[i].first == "email" && fields[i].second.find("\\u0040") != std::string::npos
                    ? fields[i].second
                    : JsonEscape(fields[i].second)) +
               "\"";
      }
      row += "},\n";
      break;
    case 3:  // SQL
      row = "INSERT INTO patients VALUES (" + std::to_string(Below(100000));
      for (const auto& f : fields) row += ",'" + f.second + "'";
      row += ");\n";
      break;
    default:  // prose
      for (const auto& f : fields) row += f.first + ": " + f.second + "; ";
      row += Filler(5) + ".\n";
  }
  if (html) row = (format == 0 ? "<p>" : "<tr><td>") + row + (format == 0 ? "</p>\n" : "</td></tr>\n");
  *out += row;
}

void CorpusGenerator::DecoyRecord(bool html, int format, std::string* out) {
  const Person& d = decoys_[Below(decoys_.size())];
  std::vector<Planted> ignored;
  PlantRecord(d, 0, html, format, out, &ignored);
}

Page CorpusGenerator::NextPage(std::vector<Planted>* truth) {
  Page page;
  const std::size_t index = page_index_++;
  page.html = Chance(options_.html_share);
  page.decoy_only = Chance(options_.decoy_page_share);
  const int format = static_cast<int>(Below(4));
  std::string body;
  body += Filler(options_.filler_words / 3 + Below(options_.filler_words / 3 + 1)) + "\n";
  std::vector<std::size_t> chosen;
  if (!page.decoy_only) {
    std::size_t n = 1 + Below(options_.max_records);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t who = Below(listed_.size());
      if (std::find(chosen.begin(), chosen.end(), who) == chosen.end()) chosen.push_back(who);
    }
  }
  std::size_t decoys = 1 + Below(3);
  std::size_t total = chosen.size() + decoys;
  std::size_t next_listed = 0;
  for (std::size_t i = 0; i < total; ++i) {
    bool listed = next_listed < chosen.size() && (Below(total - i) < chosen.size() - next_listed);
    if (listed) {
      PlantRecord(listed_[chosen[next_listed++]], index, page.html, format, &body, truth);
    } else {
      DecoyRecord(page.html, format, &body);
    }
    body += DecoyNoise() + " " + Filler(4) + "\n";
  }
  body += Filler(options_.filler_words / 2 + Below(options_.filler_words / 2 + 1)) + "\n";
  if (page.html) {
    body = "<!DOCTYPE html><html><head><title>paste " + std::to_string(index) + "</title></head><body><div>" +
           (format == 0 ? body : "<table>" + body + "</table>") + "</div></body></html>\n";
  }
  page.body = std::move(body);
  return page;
}

}  // namespace leakmon::bench
