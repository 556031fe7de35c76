/* fuzz_schema_validator.c - libFuzzer target: a schema and an instance from one input, split at
 * the first NUL byte -> cf_schema_lint + cf_schema_validate. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/json.h"
#include "contract/schema.h"

/* A schema sits in a spec file; an instance is a response or request body. */
#define SCHEMA_MAX CF_MAX_SPEC_FILE
#define INSTANCE_MAX CF_MAX_RESPONSE_BODY

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    const char *sep = memchr(bytes, '\0', size);
    size_t schema_len = sep ? (size_t)(sep - bytes) : size;
    const char *instance = sep ? sep + 1 : NULL;
    size_t instance_len = sep ? size - schema_len - 1 : 0;
    if (schema_len > SCHEMA_MAX || instance_len > INSTANCE_MAX)
        return 0;

    cJSON *schema = NULL;
    cJSON *value = NULL;
    if (cf_json_parse(bytes, schema_len, CF_MAX_JSON_DEPTH, &schema, NULL) != CF_OK)
        return 0;
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_schema_lint(schema, "fuzz.json", "/schema", &d);
    /* Lint counts its refusals; warnings are added to d but not counted. */
    if (n > cf_diags_total(&d))
        abort();
    if (instance &&
        cf_json_parse(instance, instance_len, CF_MAX_JSON_DEPTH, &value, NULL) == CF_OK) {
        size_t before = cf_diags_total(&d);
        size_t v = cf_schema_validate(schema, value, "", &d);
        if (v != cf_diags_total(&d) - before)
            abort();
        /* Validation keeps no state: a second run over the same pair finds the same count. */
        cf_diags again;
        cf_diags_init(&again);
        if (cf_schema_validate(schema, value, "", &again) != v)
            abort();
        cf_diags_cleanup(&again);
    }
    cf_diags_cleanup(&d);
    cJSON_Delete(value);
    cJSON_Delete(schema);
    return 0;
}
