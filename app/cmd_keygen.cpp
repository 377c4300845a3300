// leakmon keygen: writes a new random 256-bit key, mode 0600, never over an
// existing file.
#include "app/commands.h"

#include <cstdio>

#include "app/console.h"
#include "app/exit_codes.h"
#include "common/files.h"
#include "matcher/keyed_hash.h"
#include "matcher/secret_key.h"

namespace leakmon {

int RunKeygen(const KeygenArgs& args) {
  Result<SecretKey> key = SecretKey::Generate();
  if (!key.ok()) return ReportError(key.status());
  std::string text = key->Serialize();
  Status s = WriteNewFile(args.out, text, 0600);
  std::fill(text.begin(), text.end(), '\0');
  if (!s.ok()) return ReportError(s);
  KeyedHasher hasher(*key);
  std::printf("wrote a new key to %s (fingerprint %s); keep it secret and back it up\n", args.out.c_str(),
              hasher.fingerprint().c_str());
  return kExitOk;
}

}  // namespace leakmon
