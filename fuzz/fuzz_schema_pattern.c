/* fuzz_schema_pattern.c - libFuzzer target: an ECMA-262 pattern and a subject from one input,
 * split at the first NUL byte -> translation, PCRE2 compilation and a limited match. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "contract/schema_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    const char *sep = memchr(bytes, '\0', size);
    size_t pattern_len = sep ? (size_t)(sep - bytes) : size;
    cf_schema_regex *re = NULL;
    char err[256];
    cf_rc rc = cf_schema_regex_compile(bytes, pattern_len, &re, err, sizeof(err));
    if (rc == CF_OK) {
        const char *subject = sep ? sep + 1 : "";
        size_t subject_len = sep ? size - pattern_len - 1 : 0;
        int m = cf_schema_regex_search(re, subject, subject_len);
        if (m < -1 || m > 1)
            abort();
    } else if (re) {
        abort(); /* a failed compilation leaves nothing behind */
    }
    cf_schema_regex_free(re);
    return 0;
}
