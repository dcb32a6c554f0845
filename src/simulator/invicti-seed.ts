/**
 * The simulated Invicti account: a few websites and scans in each state the
 * retest rules care about. Scan bodies have exactly the shape of a real
 * ScanTaskModel capture (every property, nulls where Invicti sends nulls), so
 * what a playbook sees from the simulator is what it will see from Invicti.
 */

export type ScanTask = Record<string, unknown> & { Id: string; State: string; ScanType: string; WebsiteId: string };

export interface SeedWebsite {
  Id: string;
  Name: string;
  RootUrl: string;
  Protocol: 'Http' | 'Https';
  GroupId: string;
}

export const INVICTI_USER = {
  UserId: '7d85ab71-641d-4fed-096f-b11404a17c3d',
  UserName: 'Demo User',
};

export const SEED_WEBSITES: readonly SeedWebsite[] = [
  {
    Id: 'f3a1c84e-bf9f-452d-1525-b11d048449cf',
    Name: 'Sample',
    RootUrl: 'http://php.testinvicti.com/',
    Protocol: 'Http',
    GroupId: 'dafa9879-4ce8-4e74-0973-b11404a17c78',
  },
  {
    Id: '0b5e3c2a-6f1d-4e8b-9a7c-2d4f6b8e0a13',
    Name: 'Demo Shop',
    RootUrl: 'https://shop.demo.invalid/',
    Protocol: 'Https',
    GroupId: 'dafa9879-4ce8-4e74-0973-b11404a17c78',
  },
];

/** Seeded scan ids, by what the simulator does with them. */
export const SEED_SCAN_IDS = {
  /** Complete: retest and newfromscan succeed (the id in every schema example). */
  completed: 'af6d0ffd-529e-4056-b39f-b141021fae74',
  /** Complete, on the second website. */
  completedShop: '3c9e1a57-2b84-4d6f-a0c3-7e5b9d1f2a46',
  /** Scanning: a retest is refused with 400. */
  running: '5d2b8f41-9c07-4e3a-b6d5-1a8c3e7f9b20',
  /** Cancelled: a retest is refused with 400. */
  cancelled: '8e4f0a96-d1b3-4c27-9f58-6b2a0c4e8d13',
  /** Failed (the target stopped answering): a wait on it ends Failed at once; a retest is refused with 400. */
  failed: '1f7c3a92-4e6b-4d08-8a15-c92e6b0d4f37',
  /** Paused: not terminal, it stays Paused (a wait on it runs to its timeout); a cancel ends it Cancelled. */
  paused: '6a0e9d24-7b31-4f5c-bd82-3e5f1a9c7d68',
} as const;

interface ScanSeed {
  id: string;
  website: SeedWebsite;
  scanType: 'Full' | 'Retest' | 'Incremental';
  state: 'Queued' | 'Scanning' | 'Complete' | 'Cancelled' | 'Failed' | 'Paused';
  initiatedAt: string;
  agentName?: string | null;
}


/** dd/MM/yyyy and hh:mm AM, as Invicti renders InitiatedDate and InitiatedTime. */
export function invictiDate(iso: string): { date: string; time: string } {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = d.getUTCHours();
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  return {
    date: `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`,
    time: `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(h12)}:${pad(d.getUTCMinutes())} ${hours < 12 ? 'AM' : 'PM'}`,
  };
}

/** What the scan's progress fields look like in each state. */
function progressFields(state: ScanSeed['state']): Record<string, unknown> {
  switch (state) {
    case 'Complete':
      return { IsCompleted: true, Percentage: 100, Phase: 'Complete', CompletedSteps: 1250, EstimatedSteps: 1250, Duration: '00:42:17' };
    case 'Scanning':
      return { IsCompleted: false, Percentage: 37, Phase: 'CrawlingAndAttacking', CompletedSteps: 412, EstimatedSteps: 1100, Duration: '00:12:05' };
    case 'Cancelled':
      return { IsCompleted: false, Percentage: 8, Phase: 'Crawling', CompletedSteps: 96, EstimatedSteps: 1200, Duration: '00:03:40' };
    case 'Queued':
      return { IsCompleted: false, Percentage: 0, Phase: 'Pending', CompletedSteps: 0, EstimatedSteps: 0, Duration: '00:00:00' };
    case 'Failed':
      return {
        IsCompleted: false, Percentage: 21, Phase: 'Crawling', CompletedSteps: 230, EstimatedSteps: 1100, Duration: '00:06:12',
        FailureReason: 'HostUnavailable', FailureReasonDescription: 'The target stopped answering during the scan.', FailureReasonString: 'Host Unavailable',
      };
    case 'Paused':
      return { IsCompleted: false, Percentage: 54, Phase: 'CrawlingAndAttacking', CompletedSteps: 650, EstimatedSteps: 1200, Duration: '00:18:44' };
  }
}

export type Severity = 'BestPractice' | 'Information' | 'Low' | 'Medium' | 'High' | 'Critical';

/** Severities from the least to the most severe (Invicti's order). */
export const SEVERITIES: readonly Severity[] = ['BestPractice', 'Information', 'Low', 'Medium', 'High', 'Critical'];

export interface FindingCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  bestPractice: number;
}

const NO_FINDINGS: FindingCounts = { critical: 0, high: 0, medium: 0, low: 0, info: 0, bestPractice: 0 };

export function countFindings(severities: readonly Severity[]): FindingCounts {
  const counts = { ...NO_FINDINGS };
  const key: Record<Severity, keyof FindingCounts> = {
    Critical: 'critical',
    High: 'high',
    Medium: 'medium',
    Low: 'low',
    Information: 'info',
    BestPractice: 'bestPractice',
  };
  for (const severity of severities) counts[key[severity]] += 1;
  return counts;
}

/** Invicti's threat level for a set of findings. */
function threatLevel(counts: FindingCounts): string {
  if (counts.critical) return 'Critical';
  if (counts.high) return 'Insecure';
  if (counts.medium || counts.low) return 'NeedsAttention';
  return 'Secure';
}

/** The scan's own finding counts and threat level, as a scan that has just completed shows them. */
export function findingFields(counts: FindingCounts): Record<string, unknown> {
  return {
    ThreatLevel: threatLevel(counts),
    TotalVulnerabilityCount: Object.values(counts).reduce((a, b) => a + b, 0),
    VulnerabilityCriticalCount: counts.critical,
    VulnerabilityHighCount: counts.high,
    VulnerabilityInfoCount: counts.info,
    VulnerabilityBestPracticeCount: counts.bestPractice,
    VulnerabilityLowCount: counts.low,
    VulnerabilityMediumCount: counts.medium,
  };
}

/**
 * The fields a scan launch sets afresh (everything else a retest or a
 * new-from-scan copies from its base scan): id, type, state, times, progress,
 * and this scan's own findings, none yet.
 */
export function launchFields(id: string, scanType: ScanSeed['scanType'], initiatedAt: string): Record<string, unknown> {
  const { date, time } = invictiDate(initiatedAt);
  return {
    InitiatedTime: time,
    InitiatedDate: date,
    InitiatedAt: initiatedAt,
    DeletedOn: null,
    IsWebsiteLatestCompletedFullScanTask: false,
    QueuedScanTaskExist: false,
    EstimatedLaunchTime: null,
    FailureReason: null,
    FailureReasonDescription: null,
    FailureReasonString: null,
    Id: id,
    ScanType: scanType,
    State: 'Queued',
    StateChanged: null,
    ThreatLevel: 'Unknown',
    TotalVulnerabilityCount: 0,
    VulnerabilityCriticalCount: 0,
    VulnerabilityHighCount: 0,
    VulnerabilityInfoCount: 0,
    VulnerabilityBestPracticeCount: 0,
    VulnerabilityLowCount: 0,
    VulnerabilityMediumCount: 0,
    Initiated: initiatedAt,
    ...progressFields('Queued'),
  };
}

/** A full ScanTaskModel for a scan of `website`. */
export function scanTask(seed: ScanSeed): ScanTask {
  const { date, time } = invictiDate(seed.initiatedAt);
  const findings = seed.state === 'Complete' ? countFindings(seedIssues().filter((i) => i.websiteId === seed.website.Id).map((i) => i.severity)) : NO_FINDINGS;
  const total = Object.values(findings).reduce((a, b) => a + b, 0);
  const threat = seed.state === 'Complete' ? threatLevel(findings) : 'Unknown';
  const site = seed.website;
  return {
    AdditionalWebsites: null,
    AgentId: null,
    AgentName: seed.agentName ?? null,
    Cookies: null,
    CrawlAndAttack: true,
    DeletedOn: null,
    EnableHeuristicChecksInCustomUrlRewrite: true,
    ExcludedLinks: '["gtm\\\\.js","WebResource\\\\.axd","ScriptResource\\\\.axd"]',
    ExcludeLinks: true,
    DisallowedHttpMethods: '[]',
    FindAndFollowNewLinks: true,
    ImportedLinks: null,
    AllImportedLinks: '',
    DesktopScanId: null,
    InitiatedTime: time,
    InitiatedDate: date,
    InitiatedAt: seed.initiatedAt,
    MaxDynamicSignatures: 60,
    MaxScanDuration: 48,
    Duration: '00:00:00',
    PolicyDescription: 'Performs recommended security checks',
    PolicyId: 'b2018666-2a01-e411-976c-0a45dbb897e8',
    PolicyUserId: INVICTI_USER.UserId,
    PolicyIsDefault: true,
    PolicyIsShared: true,
    PolicyName: 'Default Security Checks',
    AuthenticationProfileId: null,
    AuthenticationProfileOption: 'DontUse',
    ReportPolicyDescription: 'Default report policy.',
    ReportPolicyId: '013660af-56b7-4176-85be-cf2b84966816',
    ReportPolicyUserId: INVICTI_USER.UserId,
    ReportPolicyIsDefault: true,
    ReportPolicyIsShared: true,
    ReportPolicyName: 'Default Report Policy',
    Scope: 'EnteredPathAndBelow',
    SubPathMaxDynamicSignatures: 30,
    TargetPath: '/',
    TargetUrl: site.RootUrl,
    TargetUrlRoot: site.RootUrl,
    TimeWindow: null,
    TotalVulnerabilityCount: total,
    UrlRewriteAnalyzableExtensions: 'htm,html',
    UrlRewriteBlockSeparators: '/$.,;|:',
    UrlRewriteMode: 'Heuristic',
    UrlRewriteRules: null,
    UrlRewriteExcludedLinks: null,
    UserId: INVICTI_USER.UserId,
    VcsCommitInfo: {
      CiBuildConfigurationName: null,
      CiBuildHasChange: null,
      CiBuildId: null,
      CiBuildServerName: '',
      CiBuildServerVersion: null,
      CiBuildUrl: null,
      CiNcPluginVersion: null,
      CiTimestamp: null,
      ComitterId: null,
      Committer: null,
      CommitterName: null,
      CommitterOverride: null,
      IntegrationSystem: null,
      IsCommiterExistAndAuthorizedInNc: null,
      VcsName: null,
      VcsVersion: null,
    },
    WebsiteName: site.Name,
    WebsiteUrl: site.RootUrl,
    WebsiteDescription: null,
    WebsiteProtocol: site.Protocol,
    WebsiteIsDeleted: false,
    IsWebsiteLatestCompletedFullScanTask: false,
    EnablePciScanTask: false,
    PciScanTask: null,
    UserName: INVICTI_USER.UserName,
    QueuedScanTaskExist: false,
    ScanTaskProfileId: null,
    ScanTaskProfile: null,
    WebsiteGroupIds: [site.GroupId],
    Comments: null,
    BusinessLogicRecorderSetting: null,
    ScanProfileChanged: false,
    CompletedSteps: 0,
    EstimatedLaunchTime: null,
    EstimatedSteps: 0,
    FailureReason: null,
    FailureReasonDescription: null,
    FailureReasonString: null,
    GlobalThreatLevel: threat,
    GlobalVulnerabilityCriticalCount: findings.critical,
    GlobalVulnerabilityHighCount: findings.high,
    GlobalVulnerabilityInfoCount: findings.info,
    GlobalVulnerabilityBestPracticeCount: findings.bestPractice,
    GlobalVulnerabilityLowCount: findings.low,
    GlobalVulnerabilityMediumCount: findings.medium,
    Id: seed.id,
    IsCompleted: false,
    Percentage: 0,
    Phase: 'Pending',
    ScanTaskGroupId: '9725ef27-50d8-4f96-e85f-b13b04474c98',
    ScanType: seed.scanType,
    ScheduledScanId: null,
    State: seed.state,
    StateChanged: seed.state === 'Queued' ? null : seed.initiatedAt,
    ThreatLevel: threat,
    VulnerabilityCriticalCount: findings.critical,
    VulnerabilityHighCount: findings.high,
    VulnerabilityInfoCount: findings.info,
    VulnerabilityBestPracticeCount: findings.bestPractice,
    VulnerabilityLowCount: findings.low,
    VulnerabilityMediumCount: findings.medium,
    WebsiteId: site.Id,
    Initiated: seed.initiatedAt,
    Tags: [],
    ...progressFields(seed.state),
  };
}

/** The scans the simulator starts with (a fresh copy each time, so simulators never share state). */
export function seedScans(): ScanTask[] {
  const [sample, shop] = SEED_WEBSITES as [SeedWebsite, SeedWebsite];
  return [
    scanTask({ id: SEED_SCAN_IDS.completed, website: sample, scanType: 'Full', state: 'Complete', initiatedAt: '2024-03-27T08:15:02.1180000+00:00' }),
    scanTask({ id: SEED_SCAN_IDS.completedShop, website: shop, scanType: 'Full', state: 'Complete', initiatedAt: '2024-03-26T21:40:11.5020000+00:00' }),
    scanTask({ id: SEED_SCAN_IDS.running, website: shop, scanType: 'Full', state: 'Scanning', initiatedAt: '2024-03-28T09:30:45.0070000+00:00' }),
    scanTask({ id: SEED_SCAN_IDS.cancelled, website: sample, scanType: 'Full', state: 'Cancelled', initiatedAt: '2024-03-25T14:02:33.7300000+00:00' }),
    scanTask({ id: SEED_SCAN_IDS.failed, website: shop, scanType: 'Retest', state: 'Failed', initiatedAt: '2024-03-24T11:05:09.4410000+00:00' }),
    scanTask({ id: SEED_SCAN_IDS.paused, website: sample, scanType: 'Full', state: 'Paused', initiatedAt: '2024-03-28T07:55:20.2600000+00:00' }),
  ];
}

/**
 * An issue Invicti found on a website. `waitingForRetest` issues were marked
 * fixed by a developer (State FixedUnconfirmed, IsRetest true): they are what
 * `issues/waitingforretest` lists until a retest of their scan completes.
 * `fixedOnRetest` is the verdict that retest gives, fixed in the seed so the
 * simulator is deterministic: true → gone from the retest's result
 * (FixedConfirmed); false → still there (Revived). The rule: an issue seeded
 * as waiting has its verdict written next to it ('fixed' or
 * 'still-vulnerable'); any other issue (one a playbook marks FixedUnconfirmed
 * through issues/update) is confirmed fixed when its number on its website is
 * even, and revived when it is odd.
 */
export interface IssueSeed {
  id: string;
  websiteId: string;
  title: string;
  /** One of the Swagger's vulnerability types. */
  type: string;
  severity: Severity;
  /** The vulnerable URL, relative to the website's root. */
  path: string;
  certainty: number;
  cwe: string;
  waitingForRetest: boolean;
  fixedOnRetest: boolean;
  firstSeen: string;
}

const issue = (
  websiteId: string,
  n: number,
  severity: Severity,
  type: string,
  title: string,
  path: string,
  cwe: string,
  retest?: 'fixed' | 'still-vulnerable',
): IssueSeed => ({
  id: `${websiteId.slice(0, 8)}-1551-4e0d-9a7b-${String(n).padStart(12, '0')}`,
  websiteId,
  title,
  type,
  severity,
  path,
  certainty: severity === 'BestPractice' || severity === 'Information' ? 90 : 100,
  cwe,
  waitingForRetest: retest !== undefined,
  fixedOnRetest: retest === undefined ? n % 2 === 0 : retest === 'fixed',
  firstSeen: '2024-02-14T10:22:31.0000000+00:00',
});

/** The issues of the seeded websites (a fresh copy each time). */
export function seedIssues(): IssueSeed[] {
  const [sample, shop] = SEED_WEBSITES as [SeedWebsite, SeedWebsite];
  const s = sample.Id;
  const p = shop.Id;
  return [
    issue(s, 1, 'Critical', 'ConfirmedSqlInjection', 'SQL Injection', 'artist.php?artist=1', '89', 'fixed'),
    issue(s, 2, 'High', 'Xss', 'Cross-site Scripting', 'search.php?test=query', '79', 'fixed'),
    issue(s, 3, 'High', 'ConfirmedBooleanSqlInjection', 'Boolean Based SQL Injection', 'listproducts.php?cat=1', '89', 'still-vulnerable'),
    issue(s, 4, 'High', 'Lfi', 'Local File Inclusion', 'showimage.php?file=./pictures/1.jpg', '98'),
    issue(s, 5, 'Medium', 'PasswordOverHttp', 'Password Transmitted over HTTP', 'login.php', '319'),
    issue(s, 6, 'Medium', 'JqueryOutOfDate', 'Out-of-date Version (jQuery)', 'js/jquery-1.6.1.min.js', '937', 'fixed'),
    issue(s, 7, 'Low', 'CsrfDetected', 'Cross-Site Request Forgery', 'guestbook.php', '352'),
    issue(s, 8, 'Low', 'CookieNotMarkedAsHttpOnly', 'Cookie Not Marked as HttpOnly', '', '1004'),
    issue(s, 9, 'Low', 'MissingXFrameOptionsHeader', 'Missing X-Frame-Options Header', '', '693'),
    issue(s, 10, 'Information', 'PhpVersionDisclosure', 'Version Disclosure (PHP)', '', '205'),
    issue(s, 11, 'Information', 'NginxVersionDisclosure', 'Version Disclosure (Nginx)', '', '205'),
    issue(s, 12, 'Information', 'RobotsIdentified', 'Robots.txt Detected', 'robots.txt', '200'),
    issue(s, 13, 'BestPractice', 'MissingXssProtectionHeader', 'Missing X-XSS-Protection Header', '', '693'),
    issue(s, 14, 'BestPractice', 'SubResourceIntegrityNotImplemented', 'Subresource Integrity (SRI) Not Implemented', '', '830'),
    issue(p, 1, 'Critical', 'CommandInjection', 'Command Injection', 'api/export?format=csv', '78'),
    issue(p, 2, 'High', 'PermanentXss', 'Stored Cross-site Scripting', 'products/42/reviews', '79', 'fixed'),
    issue(p, 3, 'Medium', 'OpenRedirect', 'Open Redirection', 'login?returnUrl=%2Faccount', '601', 'fixed'),
    issue(p, 4, 'Medium', 'HstsNotEnabled', 'HTTP Strict Transport Security (HSTS) Policy Not Enabled', '', '523'),
    issue(p, 5, 'Medium', 'DatabaseErrorMessages', 'Database Error Message Disclosure', 'products?sort=%27', '210'),
    issue(p, 6, 'Low', 'CookieNotMarkedAsSecure', 'Cookie Not Marked as Secure', '', '614'),
    issue(p, 7, 'Low', 'WeakCiphersDetected', 'Weak Ciphers Enabled', '', '327'),
    issue(p, 8, 'Information', 'SitemapIdentified', 'Sitemap Detected', 'sitemap.xml', '200'),
    issue(p, 9, 'BestPractice', 'MissingXContentTypeOptionsHeader', 'Missing X-Content-Type-Options Header', '', '693'),
  ];
}
