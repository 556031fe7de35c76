/* fuzz_cjson_baseline.c - speed yardstick, not a test: the bare cJSON parse of a response body,
 * fed the response parser's own inputs (selector byte, head, body), so bench/fuzz_speed.sh can
 * compare rates on the same corpus with the same flags and the same instrumented cJSON. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    size_t n = size;
    /* The body starts after the first blank line, as cf_response_parse_raw finds it. */
    for (size_t i = 0; i + 3 < size; i++) {
        if (p[i] == '\r' && memcmp(p + i, "\r\n\r\n", 4) == 0) {
            p += i + 4;
            n = size - i - 4;
            break;
        }
    }
    const char *end = NULL;
    cJSON *value = cJSON_ParseWithLengthOpts(p, n, &end, 0);
    cJSON_Delete(value);
    return 0;
}
