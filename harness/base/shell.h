/* shell.h - words quoted for a POSIX shell, for command lines a person pastes. */
#ifndef CF_SHELL_H
#define CF_SHELL_H

#include <stddef.h>

#include "base/buf.h"
#include "base/rc.h"

/* Memory: appends to a cf_buf the caller owns. */

/* Appends `len` bytes of `s` as one single-quoted word ('it'\''s'): nothing in it expands.
 * Returns what cf_buf returns. */
CF_WUR cf_rc cf_shell_quote(cf_buf *out, const char *s, size_t len);

#endif
