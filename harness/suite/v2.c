/* v2.c - suite v2 files ("conform": 2). Placeholder until the suite v2 loader lands: such a
 * file is refused with a message that says so. */
#include "suite/internal.h"

cf_rc cf_suite_v2_load(cf_suite *s, const char *buf, size_t len, cf_diags *diags)
{
    (void)buf;
    (void)len;
    cf_diags_add(diags, s->file, "/conform", "suite v2 files are not supported by this build");
    return CF_E_INVALID;
}
