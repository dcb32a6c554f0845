/**
 * The simulated AttackForge tenant: two projects whose vulnerabilities are in
 * the statuses the retest rules care about ('Retest' may be retested; 'Open'
 * and 'Closed' may not). Ids are 24 hex digits, as AttackForge's are.
 */

export type VulnerabilityStatus = 'Open' | 'Retest' | 'Closed';

export type Priority = 'Critical' | 'High' | 'Medium' | 'Low' | 'Info';

export interface Vulnerability {
  id: string;
  title: string;
  priority: Priority;
  status: VulnerabilityStatus;
  affected_asset_name: string;
  created: string;
  modified: string;
  likelihood_of_exploitation: number;
  tags: string[];
  notes: { note: string; type: 'PLAINTEXT' | 'RICHTEXT' }[];
  custom_fields: { key: string; value: unknown }[];
  /** Other documented fields a PUT set (description, is_zeroday, …), kept as sent. */
  extra: Record<string, unknown>;
}

export interface RetestRound {
  round_number: number;
  status: 'Requested' | 'Completed' | 'Cancelled';
  requested_at: string;
  retesting_window_start: string;
  retesting_window_end: string | null;
  vulnerability_ids: string[];
  completed_at: string | null;
  cancelled_at: string | null;
}

export interface Project {
  id: string;
  name: string;
  code: string;
  status: 'Waiting to Start' | 'Testing' | 'On-Hold' | 'Overrun' | 'Retest' | 'Completed';
  created: string;
  vulnerabilities: Vulnerability[];
  retests: RetestRound[];
}

export const SEED_PROJECT_IDS = {
  /** Two vulnerabilities in Retest status, one Open, one Closed (the id in every schema example). */
  webApp: '66333e1d110ab5acf8a4354e',
  /** One vulnerability in Retest status, one Open. */
  mobileApi: '66333e1d110ab5acf8a43550',
} as const;

export const SEED_VULNERABILITY_IDS = {
  xssRetest: '6639508f50523053f459d29f',
  sqliRetest: '6639508f50523053f459d2a0',
  hstsOpen: '6639508f50523053f459d2a1',
  jqueryClosed: '6639508f50523053f459d2a2',
  bolaRetest: '6639511c50523053f459d2b0',
  verboseErrorsOpen: '6639511c50523053f459d2b1',
} as const;

const more = (asset: string, day: number) => ({
  affected_asset_name: asset,
  created: `2024-05-${String(day).padStart(2, '0')}T21:44:31.228Z`,
  modified: `2024-05-${String(day).padStart(2, '0')}T21:44:31.228Z`,
  likelihood_of_exploitation: 5,
  tags: [] as string[],
  notes: [] as Vulnerability['notes'],
  custom_fields: [] as Vulnerability['custom_fields'],
  extra: {},
});

/** The projects the simulator starts with (a fresh copy each time). */
export function seedProjects(): Project[] {
  const v = SEED_VULNERABILITY_IDS;
  return [
    {
      id: SEED_PROJECT_IDS.webApp,
      name: 'Demo Web App Pentest',
      code: 'DEMO-WEB',
      status: 'Testing',
      created: '2024-05-02T04:12:45.118Z',
      vulnerabilities: [
        { id: v.xssRetest, title: 'Reflected Cross-Site Scripting in search', priority: 'High', status: 'Retest', ...more('www.demo-webapp.invalid/search', 6) },
        { id: v.sqliRetest, title: 'SQL Injection in login form', priority: 'Critical', status: 'Retest', ...more('www.demo-webapp.invalid/login', 7) },
        { id: v.hstsOpen, title: 'Missing HTTP Strict Transport Security header', priority: 'Low', status: 'Open', ...more('www.demo-webapp.invalid', 8) },
        { id: v.jqueryClosed, title: 'Outdated jQuery library', priority: 'Medium', status: 'Closed', ...more('www.demo-webapp.invalid/static/js', 9) },
      ],
      retests: [],
    },
    {
      id: SEED_PROJECT_IDS.mobileApi,
      name: 'Demo Mobile API Pentest',
      code: 'DEMO-API',
      status: 'Testing',
      created: '2024-05-02T04:12:45.118Z',
      vulnerabilities: [
        { id: v.bolaRetest, title: 'Broken Object Level Authorization on /orders', priority: 'High', status: 'Retest', ...more('api.demo-mobile.invalid/orders', 10) },
        { id: v.verboseErrorsOpen, title: 'Verbose error messages', priority: 'Info', status: 'Open', ...more('api.demo-mobile.invalid', 11) },
      ],
      retests: [],
    },
  ];
}
