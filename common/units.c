/* Unit conversion tables; see units.h. */
#include "common/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"

struct unit_entry {
    enum ls_dimension dim;
    const char *name;
    double factor; /* value in `name` times factor = value in atomic units */
};

#define EV LS_EV_HARTREE
#define ANG LS_ANGSTROM_BOHR
#define GPA (1.0 / LS_HA_BOHR3_GPA)

static const struct unit_entry unit_table[] = {
    {LS_DIM_ENERGY, "ha", 1.0},
    {LS_DIM_ENERGY, "hartree", 1.0},
    {LS_DIM_ENERGY, "ry", 0.5},
    {LS_DIM_ENERGY, "rydberg", 0.5},
    {LS_DIM_ENERGY, "ev", EV},
    {LS_DIM_ENERGY, "mev", 1e-3 * EV},
    {LS_DIM_ENERGY, "mha", 1e-3},
    {LS_DIM_ENERGY, "mry", 0.5e-3},
    {LS_DIM_ENERGY, "k", LS_BOLTZMANN_EV_K * EV},
    {LS_DIM_TEMPERATURE, "k", LS_BOLTZMANN_EV_K * EV},
    {LS_DIM_TEMPERATURE, "ev", EV},
    {LS_DIM_TEMPERATURE, "mev", 1e-3 * EV},
    {LS_DIM_TEMPERATURE, "ha", 1.0},
    {LS_DIM_TEMPERATURE, "ry", 0.5},
    {LS_DIM_LENGTH, "bohr", 1.0},
    {LS_DIM_LENGTH, "au", 1.0},
    {LS_DIM_LENGTH, "a.u.", 1.0},
    {LS_DIM_LENGTH, "angstrom", ANG},
    {LS_DIM_LENGTH, "ang", ANG},
    {LS_DIM_LENGTH, "a", ANG},
    {LS_DIM_LENGTH, "\xc3\x85", ANG}, /* Å in UTF-8 */
    {LS_DIM_LENGTH, "nm", 10.0 * ANG},
    {LS_DIM_INVLENGTH, "1/bohr", 1.0},
    {LS_DIM_INVLENGTH, "1/angstrom", 1.0 / ANG},
    {LS_DIM_INVLENGTH, "1/a", 1.0 / ANG},
    {LS_DIM_INVLENGTH, "1/ang", 1.0 / ANG},
    {LS_DIM_INVLENGTH, "1/\xc3\x85", 1.0 / ANG},
    {LS_DIM_FORCE, "ha/bohr", 1.0},
    {LS_DIM_FORCE, "ry/bohr", 0.5},
    {LS_DIM_FORCE, "ev/angstrom", EV / ANG},
    {LS_DIM_FORCE, "ev/a", EV / ANG},
    {LS_DIM_FORCE, "ev/ang", EV / ANG},
    {LS_DIM_FORCE, "mev/angstrom", 1e-3 * EV / ANG},
    {LS_DIM_FORCE, "mev/a", 1e-3 * EV / ANG},
    {LS_DIM_PRESSURE, "ha/bohr^3", 1.0},
    {LS_DIM_PRESSURE, "gpa", GPA},
    {LS_DIM_PRESSURE, "kbar", 0.1 * GPA},
    {LS_DIM_PRESSURE, "bar", 1e-4 * GPA},
    {LS_DIM_PRESSURE, "ev/angstrom^3", EV / (ANG * ANG * ANG)},
    {LS_DIM_PRESSURE, "ev/a^3", EV / (ANG * ANG * ANG)},
    {LS_DIM_TIME, "au", 1.0},
    {LS_DIM_TIME, "fs", 1.0 / LS_AU_TIME_FS},
    {LS_DIM_TIME, "ps", 1e3 / LS_AU_TIME_FS},
    {LS_DIM_TIME, "s", 1e15 / LS_AU_TIME_FS},
    {LS_DIM_TIME, "min", 60e15 / LS_AU_TIME_FS},
    {LS_DIM_TIME, "h", 3600e15 / LS_AU_TIME_FS},
};

static const char *unit_list(enum ls_dimension dim)
{
    switch (dim) {
    case LS_DIM_ENERGY: return "Ha, Ry, eV, meV, K";
    case LS_DIM_TEMPERATURE: return "K, eV, meV, Ha, Ry";
    case LS_DIM_LENGTH: return "bohr, angstrom, nm";
    case LS_DIM_INVLENGTH: return "1/angstrom, 1/bohr";
    case LS_DIM_FORCE: return "eV/angstrom, Ha/bohr, Ry/bohr";
    case LS_DIM_PRESSURE: return "GPa, kbar, bar, eV/angstrom^3, Ha/bohr^3";
    case LS_DIM_TIME: return "fs, ps, s, min, h, au";
    default: return "(none: the quantity is dimensionless)";
    }
}

const char *ls_dimension_name(enum ls_dimension dim)
{
    switch (dim) {
    case LS_DIM_ENERGY: return "energy";
    case LS_DIM_TEMPERATURE: return "temperature";
    case LS_DIM_LENGTH: return "length";
    case LS_DIM_INVLENGTH: return "inverse length";
    case LS_DIM_FORCE: return "force";
    case LS_DIM_PRESSURE: return "pressure";
    case LS_DIM_TIME: return "time";
    default: return "dimensionless";
    }
}

int ls_unit_factor(enum ls_dimension dim, const char *unit, double *factor)
{
    if (unit == NULL || unit[0] == '\0') {
        *factor = 1.0;
        return LS_OK;
    }
    for (size_t i = 0; i < sizeof unit_table / sizeof unit_table[0]; i++) {
        if (unit_table[i].dim == dim && strcasecmp(unit_table[i].name, unit) == 0) {
            *factor = unit_table[i].factor;
            return LS_OK;
        }
    }
    LS_ERROR(LS_ERR_INPUT, "unknown %s unit '%s' (accepted: %s)", ls_dimension_name(dim), unit,
             unit_list(dim));
}

int ls_quantity_parse(const char *text, enum ls_dimension dim, const char *default_unit,
                      double *value)
{
    static const char *const example[] = {"2.5", "90 Ry", "5.43 angstrom", "0.15 1/angstrom", "0.05 eV/angstrom",
                                           "10 GPa", "2 fs", "300 K"};
    const char *eg = (int)dim >= 0 && (size_t)dim < sizeof example / sizeof example[0] ? example[dim] : "1.0";
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text)
        LS_ERROR(LS_ERR_INPUT, "'%s' is not a number%s, e.g. '%s'", text, dim ? " followed by its unit" : "", eg);
    /* strtod also takes nan, inf and hexadecimal: only finite decimal numbers are wanted. */
    int bad = errno == ERANGE || !isfinite(v);
    for (const char *c = text; c < end; c++) bad |= strchr("xXnNiI", *c) != NULL;
    if (bad)
        LS_ERROR(LS_ERR_INPUT, "'%.*s' is not a finite decimal number (in '%s'), e.g. '%s'", (int)(end - text),
                     text, text, eg);
    while (isspace((unsigned char)*end)) end++;
    char unit[64];
    size_t n = strlen(end);
    while (n > 0 && isspace((unsigned char)end[n - 1])) n--;
    if (n >= sizeof unit) LS_ERROR(LS_ERR_INPUT, "unit too long in '%s'", text);
    memcpy(unit, end, n);
    unit[n] = '\0';
    if (n > 0 && dim == LS_DIM_NONE)
        LS_ERROR(LS_ERR_INPUT, "'%s' should be a plain number, without a unit", text);
    double f = 1.0;
    LS_TRY(ls_unit_factor(dim, n > 0 ? unit : default_unit, &f));
    if (!isfinite(v * f)) LS_ERROR(LS_ERR_INPUT, "'%s' is out of range (it overflows in atomic units)", text);
    *value = v * f;
    return LS_OK;
}
