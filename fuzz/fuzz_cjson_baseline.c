/* fuzz_cjson_baseline.c - speed yardstick, not a test: the bare cJSON parse the response parser
 * does on a body, so bench/fuzz_speed.sh can compare rates on the same corpus and flags. */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *end = NULL;
    cJSON *value = cJSON_ParseWithLengthOpts((const char *)data, size, &end, 0);
    cJSON_Delete(value);
    return 0;
}
