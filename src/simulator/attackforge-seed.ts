/**
 * The simulated AttackForge tenant: two projects whose vulnerabilities are in
 * the statuses the retest rules care about ('Retest' may be retested; 'Open'
 * and 'Closed' may not). Ids are 24 hex digits, as AttackForge's are.
 */

export type VulnerabilityStatus = 'Open' | 'Retest' | 'Closed';

export interface Vulnerability {
  id: string;
  title: string;
  priority: 'Critical' | 'High' | 'Medium' | 'Low' | 'Info';
  status: VulnerabilityStatus;
}

export interface RetestRound {
  requested_at: string;
  retesting_window_start: string;
  retesting_window_end: string | null;
  vulnerability_ids: string[];
}

export interface Project {
  id: string;
  name: string;
  code: string;
  status: 'Testing' | 'Retest' | 'Completed';
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

/** The projects the simulator starts with (a fresh copy each time). */
export function seedProjects(): Project[] {
  const v = SEED_VULNERABILITY_IDS;
  return [
    {
      id: SEED_PROJECT_IDS.webApp,
      name: 'Demo Web App Pentest',
      code: 'DEMO-WEB',
      status: 'Testing',
      vulnerabilities: [
        { id: v.xssRetest, title: 'Reflected Cross-Site Scripting in search', priority: 'High', status: 'Retest' },
        { id: v.sqliRetest, title: 'SQL Injection in login form', priority: 'Critical', status: 'Retest' },
        { id: v.hstsOpen, title: 'Missing HTTP Strict Transport Security header', priority: 'Low', status: 'Open' },
        { id: v.jqueryClosed, title: 'Outdated jQuery library', priority: 'Medium', status: 'Closed' },
      ],
      retests: [],
    },
    {
      id: SEED_PROJECT_IDS.mobileApi,
      name: 'Demo Mobile API Pentest',
      code: 'DEMO-API',
      status: 'Testing',
      vulnerabilities: [
        { id: v.bolaRetest, title: 'Broken Object Level Authorization on /orders', priority: 'High', status: 'Retest' },
        { id: v.verboseErrorsOpen, title: 'Verbose error messages', priority: 'Info', status: 'Open' },
      ],
      retests: [],
    },
  ];
}
