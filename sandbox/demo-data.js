'use strict';
/**
 * What `npm start` (and `node sandbox/cli.js --demo-data`) puts in the sandbox so that every demo
 * and a trigger's Fetch Test Event find something on the first try: a key account and two others,
 * contacts, leads in each status, and an opportunity below the approval demo's threshold (50,000),
 * so that running that demo by hand does not wait for an answer. Put again at every start (the
 * sandbox keeps nothing). The records were created days ago, and some changed since (the key
 * account, a lead, the opportunity), as in a company's CRM: a trigger's Fetch Test Event for
 * "updated" needs a record changed after its creation.
 */

const HOUR = 3600000;

/** @param {number} days */
const daysFromNow = (days) => {
  const d = new Date(Date.now() + days * 86400000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
};

/**
 * Moves a seeded record's times into the past: created `createdAgo` ms ago, last changed `changedAgo` ms ago.
 * @param {any} crm @param {string} apiName @param {string} id @param {number} createdAgo @param {number} [changedAgo]
 */
function backdate(crm, apiName, id, createdAgo, changedAgo = createdAgo) {
  const record = crm.objects.get(apiName).records.get(id);
  const now = crm.now();
  Object.assign(record, { create_time: now - createdAgo, last_modified_time: now - changedAgo });
}

/**
 * @param {{ crm: any }} sandbox
 * @returns {{ keyAccount: string, accounts: string[], leads: string[], contacts: string[], opportunity: string }}
 */
function seedDemoData(sandbox) {
  const { crm } = sandbox;
  const others = [
    crm.put('AccountObj', { name: '苏州远景物流 Vista Logistics', account_level: '2', employees: '85', owner: ['1002'] }),
    crm.put('AccountObj', { name: '成都小满零售 Xiaoman Retail', account_level: '3', employees: '12', owner: ['1003'] }),
  ];
  // (last, so that a trigger's Fetch Test Event on accounts shows the key account)
  const keyAccount = crm.put('AccountObj', { name: '杭州云帆科技 Yunfan Tech', account_level: '1', tel: '0571-88880001', employees: '320', annual_revenue: '52000000', owner: ['1000'] });
  const accounts = [keyAccount, ...others];
  const contacts = [
    crm.put('ContactObj', { name: '李娜 Li Na', account_id: keyAccount, mobile: '13900000001', email: 'li.na@yunfan.example' }),
    crm.put('ContactObj', { name: '王强 Wang Qiang', account_id: others[0], mobile: '13900000002', email: 'wang.qiang@vista.example' }),
  ];
  const leads = [
    crm.put('LeadsObj', { name: '赵敏 Zhao Min', company: '宁波海风电子 Haifeng Electronics', mobile: '13700000001', email: 'zhao.min@haifeng.example', leads_status: '1', tags: ['web'] }),
    crm.put('LeadsObj', { name: '孙亮 Sun Liang', company: '深圳明光照明 Mingguang Lighting', mobile: '13700000002', leads_status: '2', tags: ['event'] }),
    crm.put('LeadsObj', { name: '周婷 Zhou Ting', company: '上海禾木设计 Hemu Design', email: 'zhou.ting@hemu.example', leads_status: '3', tags: ['vip', 'web'] }),
  ];
  const opportunity = crm.put('NewOpportunityObj', { name: '云帆 2027 年度续约 Yunfan 2027 renewal', account_id: keyAccount, amount: '30000', close_date: daysFromNow(30), sales_stage: '2', owner: ['1000'] });
  const changed = new Map([[keyAccount, 1 * HOUR], [leads[1], 3 * HOUR], [opportunity, 2 * HOUR]]);
  const all = [['AccountObj', accounts], ['ContactObj', contacts], ['LeadsObj', leads], ['NewOpportunityObj', [opportunity]]];
  for (const [apiName, ids] of /** @type {Array<[string, string[]]>} */ (all)) {
    ids.forEach((id, i) => backdate(crm, apiName, id, (7 * 24 - i) * HOUR, changed.get(id)));
  }
  return { keyAccount, accounts, leads, contacts, opportunity };
}

module.exports = { seedDemoData };
