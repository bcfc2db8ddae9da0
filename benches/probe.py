"""A probe strategy for the bench scripts: a copy of a model's
backup-restore that never invokes DR (`invoke_after` 100 years), so its
region incidents are the primary region's outages, each as long as the
outage. Strategies draw from streams keyed by their position, so a probe
appended after the model's strategies leaves their years unchanged.
"""

PROBE = "probe-rides-out"


def with_probe(text):
    """The model's TOML `text` with the probe strategy appended."""
    a = text.index('[[strategy]]\nname = "backup-restore"')
    b = text.index("[[strategy]]", a + 1)
    probe = text[a:b].replace('name = "backup-restore"', f'name = "{PROBE}"').replace(
        'invoke_after = "30m"', 'invoke_after = "100y"')
    return text.rstrip() + "\n\n" + probe
