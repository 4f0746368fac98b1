/* Element data: symbol, atomic number and standard atomic weight.
 *
 * Masses: IUPAC 2016 standard atomic weights, abridged, as tabulated by ASE
 * (ase.data.atomic_masses_iupac2016; Meija et al., Pure Appl. Chem. 88, 265 (2016),
 * doi:10.1515/pac-2015-0305); for elements without a standard weight, the mass number
 * of the longest-lived isotope.
 */
#ifndef LS_ELEMENTS_H
#define LS_ELEMENTS_H

#define LS_N_ELEMENTS 118

/* Atomic number for a symbol ("Fe", case-sensitive first letter tolerant: "fe", "FE"),
 * or 0 when the symbol is not an element. */
int ls_element_z(const char *symbol);
/* Symbol for 1 <= z <= 118, or "X" otherwise. */
const char *ls_element_symbol(int z);
/* Standard atomic weight in unified atomic mass units (Da), or 0 for an invalid z. */
double ls_element_mass_amu(int z);

/* Atomic number from a species label that starts with an element symbol followed by a
 * non-letter or nothing ("Fe", "Fe1", "Fe_up", "Fe+2").  Returns 0 if none. */
int ls_element_z_from_label(const char *label);

#endif
