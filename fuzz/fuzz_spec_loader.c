/* fuzz_spec_loader.c - libFuzzer target: spec file bytes -> cf_spec_load_mem (loader and
 * linter), exactly as `conform lint` and `conform run` load a file. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/limits.h"
#include "contract/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CF_MAX_SPEC_FILE)
        return 0; /* the CLI refuses such a file before parsing it */
    cf_diags diags;
    cf_diags_init(&diags);
    cf_spec *spec = NULL;
    cf_rc rc = cf_spec_load_mem("fuzz.json", (const char *)data, size, &spec, &diags);
    /* The loader's contract: a spec exactly when it succeeds, a reason whenever it does not. */
    if ((rc == CF_OK) != (spec != NULL))
        abort();
    if (rc == CF_E_INVALID && cf_diags_total(&diags) == 0)
        abort();
    for (size_t i = 0; i < diags.count; i++)
        if (!diags.items[i].path || !diags.items[i].message)
            abort();
    cf_spec_free(spec);
    cf_diags_cleanup(&diags);
    return 0;
}
