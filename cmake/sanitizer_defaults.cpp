// Default sanitizer options, compiled into every executable of a
// LEAKMON_SANITIZE build (cmake/LeakmonWarnings.cmake): any report ends the
// process with exit code 86, which no leakmon exit code uses, so a test that
// expects exit 1 or 2 cannot mistake a sanitizer report for an ordinary
// failure. The *_OPTIONS environment variables still override these.
extern "C" {

__attribute__((visibility("default"), used)) const char* __asan_default_options() {
  return "exitcode=86:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:strict_init_order=1";
}

__attribute__((visibility("default"), used)) const char* __ubsan_default_options() {
  return "exitcode=86:halt_on_error=1:print_stacktrace=1";
}

__attribute__((visibility("default"), used)) const char* __lsan_default_options() { return "exitcode=86"; }

}  // extern "C"
