/* internal.h - private to suite/: the suite v2 loader behind cf_suite_load_file. */
#ifndef CF_SUITE_INTERNAL_H
#define CF_SUITE_INTERNAL_H

#include "suite/suite.h"

/* Fills `s` (file set, kind CF_SUITE_V2) from the v2 document in `buf`: parses it, loads the
 * contract it names into s->api, and its cases into s->cases with every step's op resolved.
 * Problems go to `diags`; returns CF_OK or CF_E_INVALID / CF_E_NOMEM / the contract's error. */
CF_WUR cf_rc cf_suite_v2_load(cf_suite *s, const char *buf, size_t len, cf_diags *diags);

#endif
