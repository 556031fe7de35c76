/* fuzz_suite_v2.c - libFuzzer target: suite v2 bytes -> cf_suite_load_v2_mem against a small
 * contract of two operations (a posts API, built in), as `conform lint` checks a suite: keys,
 * operations, path and query parameters, expectations, captures, variables, templates. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "contract/openapi.h"
#include "suite/suite.h"

/* specs/examples/posts.openapi.yaml in JSON, with an error catalogue and a secret variable so
 * codes, roles and variables are reachable too. */
static const char contract[] =
    "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Posts\",\"version\":\"1\"},"
    "\"x-conform\":{\"variables\":{\"key\":{\"default\":\"k\",\"secret\":true}},"
    "\"errors\":{\"Invalid\":{\"status\":400},\"Gone\":{\"status\":404,\"role\":\"not-found\"}}},"
    "\"paths\":{\"/posts\":{\"post\":{\"operationId\":\"createPost\",\"parameters\":[{\"name\":"
    "\"dry\",\"in\":\"query\",\"schema\":{\"type\":\"string\"}}],\"requestBody\":{\"content\":{"
    "\"application/json\":{\"schema\":{\"type\":\"object\"},\"example\":{\"title\":\"t\"}}}},"
    "\"responses\":{\"201\":{\"description\":\"created\"}}}},\"/posts/{id}\":{\"get\":{"
    "\"operationId\":\"getPost\",\"parameters\":[{\"name\":\"id\",\"in\":\"path\",\"required\":"
    "true,\"schema\":{\"type\":\"string\"}}],\"responses\":{\"200\":{\"description\":\"ok\"},"
    "\"404\":{\"description\":\"none\"}}}}}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CF_MAX_SPEC_FILE)
        return 0; /* the CLI refuses such a file before parsing it */
    cf_diags diags;
    cf_diags_init(&diags);
    cf_api *api = NULL;
    if (cf_openapi_load_mem("posts.json", contract, sizeof contract - 1, &api, &diags) != CF_OK)
        abort(); /* the built-in contract is valid */
    cf_suite *suite = NULL;
    cf_rc rc = cf_suite_load_v2_mem("fuzz.json", (const char *)data, size, api, &suite, &diags);
    /* The loader's contract: a suite exactly when it succeeds, a reason whenever it does not,
     * and every step of a loaded suite bound to an operation. */
    if ((rc == CF_OK) != (suite != NULL))
        abort();
    if (rc != CF_OK && cf_diags_total(&diags) == 0)
        abort();
    for (size_t i = 0; suite && i < suite->case_count; i++)
        for (size_t j = 0; j < suite->cases[i].step_count; j++)
            if (!suite->cases[i].steps[j].op)
                abort();
    for (size_t i = 0; i < diags.count; i++)
        if (!diags.items[i].path || !diags.items[i].message)
            abort();
    cf_suite_free(suite);
    cf_diags_cleanup(&diags);
    return 0;
}
