import semver from 'semver';

export type Bump = 'major' | 'minor' | 'patch' | 'none';

export interface VersionCheck {
  oldVersion: string;
  newVersion: string;
  requiredBump: Bump;
  /** The bump the two `info.version`s actually make, when both are semver. */
  actualBump?: Bump;
  /** False when the version does not say a breaking change (or goes backwards); the report is then an error. */
  versionOk: boolean;
  problem?: { severity: 'error' | 'warning'; message: string };
}

const BUMP_RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

/**
 * A breaking change needs a major bump (a minor one before 1.0, where semver lets minor versions break);
 * additions need a minor bump, other non-breaking changes a patch. An unclassified change may break,
 * so it asks for the breaking bump too, but falling short of it is a warning, not an error.
 */
export function checkVersion(oldVersion: string, newVersion: string, changes: readonly { class: string; rule: string }[]): VersionCheck {
  const before = semver.valid(semver.coerce(oldVersion, { includePrerelease: true }));
  const after = semver.valid(semver.coerce(newVersion, { includePrerelease: true }));
  const breaking = changes.some((change) => change.class === 'breaking');
  const undecided = changes.some((change) => change.class === 'unclassified');
  const additions = changes.some((change) => change.rule.endsWith('-added') || change.rule.endsWith('-widened') || change.rule.endsWith('-loosened'));
  const preRelease = before !== null && semver.major(before) === 0;
  const requiredBump: Bump = breaking || undecided ? (preRelease ? 'minor' : 'major') : additions ? 'minor' : changes.length > 0 ? 'patch' : 'none';
  if (!before || !after) {
    const unparsable = !before ? oldVersion : newVersion;
    return { oldVersion, newVersion, requiredBump, versionOk: requiredBump === 'none', problem: requiredBump === 'none' ? undefined : { severity: 'warning', message: `info.version "${unparsable}" is not a semantic version; a ${requiredBump} bump is required` } };
  }
  const actualBump: Bump = semver.eq(before, after) ? 'none' : semver.major(after) > semver.major(before) ? 'major' : semver.minor(after) > semver.minor(before) && semver.major(after) === semver.major(before) ? 'minor' : 'patch';
  if (semver.lt(after, before)) {
    return { oldVersion, newVersion, requiredBump, actualBump, versionOk: false, problem: { severity: 'error', message: `info.version went backwards: ${oldVersion} → ${newVersion}` } };
  }
  if (breaking && BUMP_RANK[actualBump] < BUMP_RANK[requiredBump]) {
    return { oldVersion, newVersion, requiredBump, actualBump, versionOk: false, problem: { severity: 'error', message: `Breaking changes need a ${requiredBump} version bump: ${oldVersion} → ${newVersion} is ${actualBump === 'none' ? 'no bump' : `a ${actualBump} bump`}` } };
  }
  if (undecided && BUMP_RANK[actualBump] < BUMP_RANK[requiredBump]) {
    return { oldVersion, newVersion, requiredBump, actualBump, versionOk: true, problem: { severity: 'warning', message: `Unclassified changes may break clients: review them; a ${requiredBump} bump would be safe` } };
  }
  if (changes.length > 0 && actualBump === 'none') {
    return { oldVersion, newVersion, requiredBump, actualBump, versionOk: true, problem: { severity: 'warning', message: `The document changed but info.version stayed ${newVersion}; a ${requiredBump} bump is expected` } };
  }
  return { oldVersion, newVersion, requiredBump, actualBump, versionOk: true };
}

/** The version a quick fix or a report proposes. */
export function bumpedVersion(oldVersion: string, bump: Bump): string | undefined {
  const before = semver.valid(semver.coerce(oldVersion, { includePrerelease: true }));
  if (!before) return undefined;
  return bump === 'none' ? before : (semver.inc(before, bump) ?? undefined);
}
