/* fuzz_openapi_json.c - libFuzzer target: OpenAPI documents in JSON -> cf_openapi_load_mem
 * (parse, $ref resolution and cycles, operations, x-conform, schema compilation). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The loader reads JSON when the first non-blank byte is '{': keep to that syntax here
     * (fuzz_openapi_yaml takes the rest). */
    size_t i = 0;
    while (i < size && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r'))
        i++;
    if (i == size || data[i] != '{')
        return 0;
    cf_fuzz_openapi("fuzz_openapi_json", data, size);
    return 0;
}
