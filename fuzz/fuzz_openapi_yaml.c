/* fuzz_openapi_yaml.c - libFuzzer target: YAML bytes -> cf_yaml_parse (bounds, aliases, marks)
 * and, as OpenAPI documents, cf_openapi_load_mem. */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/limits.h"
#include "contract/yaml.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CF_MAX_CONTRACT_FILE)
        return 0;
    cJSON *tree = NULL;
    cf_yaml_marks marks;
    char err[256];
    cf_rc rc =
        cf_yaml_parse((const char *)data, size, CF_MAX_JSON_DEPTH, &tree, &marks, err, sizeof err);
    /* The parser's contract: a tree exactly on success, a message otherwise, marks that find
     * the root they describe. */
    if ((rc == CF_OK) != (tree != NULL))
        cf_fuzz_fail("fuzz_openapi_yaml", "yaml", "a tree exactly when parsing succeeds");
    if (rc != CF_OK && err[0] == '\0')
        cf_fuzz_fail("fuzz_openapi_yaml", "yaml", "a failed parse says why");
    if (rc == CF_OK && marks.count && !cf_yaml_mark_find(&marks, marks.items[0].node))
        cf_fuzz_fail("fuzz_openapi_yaml", "yaml", "every mark is found again");
    cf_yaml_marks_free(&marks);
    cJSON_Delete(tree);
    cf_fuzz_openapi("fuzz_openapi_yaml", data, size);
    return 0;
}
