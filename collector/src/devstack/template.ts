// ${NAME} placeholder substitution for config templates (kamailio.cfg).
// Strict both ways: a value nobody asked for and a placeholder nobody filled are errors,
// because a config with a literal "${SIP_PORT}" in it fails far from the cause.

export function fillTemplate(template: string, values: Record<string, string | number>): string {
  const unused = new Set(Object.keys(values));
  const missing = new Set<string>();
  const filled = template.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    unused.delete(name);
    return String(value);
  });
  if (missing.size > 0) throw new Error(`template placeholders without a value: ${[...missing].join(', ')}`);
  if (unused.size > 0) throw new Error(`values for placeholders the template does not have: ${[...unused].join(', ')}`);
  return filled;
}
