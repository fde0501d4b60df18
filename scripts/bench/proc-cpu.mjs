/** CPU time of processes from Linux /proc, for the benchmarks (0 where there is no /proc). */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (ms) used so far by a process (utime + stime of /proc/<pid>/stat; 0 where there is no /proc). */
export function processCpuMs(pid, thread) {
  try {
    const fields = readFileSync(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (CLK_TCK 100)
  } catch {
    return 0;
  }
}
/** CPU time (ms) of the whole machine, busy (not idle or iowait), all cores. */
export function machineCpuMs() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    return (ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) * 10;
  } catch {
    return 0;
  }
}
/** CPU ms of the PostgreSQL backends serving database `db` (their title names it). */
export function databaseCpuMs(db) {
  let sum = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${db} `)) sum += processCpuMs(pid);
      } catch {
        /* gone */
      }
    }
  } catch {
    /* no /proc */
  }
  return sum;
}
/** The RabbitMQ node's pid (a beam process whose command line names rabbit), or undefined. */
export function findRabbitPid() {
  try {
    return readdirSync('/proc').find(
      (pid) =>
        /^\d+$/.test(pid) &&
        (() => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('rabbit');
          } catch {
            return false;
          }
        })() &&
        readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('beam'),
    );
  } catch {
    return undefined;
  }
}

/**
 * CPU-seconds used so far by a process and all its descendants (Linux /proc; 100 ticks a second):
 * the browser's work for a captcha whatever else the machine is doing.
 */
export function treeCpuSeconds(rootPid) {
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      /* gone meanwhile */
    }
  }
  const inTree = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 50; p = stats.get(p)?.ppid ?? 0, hops++) if (p === rootPid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, st] of stats) if (inTree(pid)) ticks += st.ticks;
  return ticks / 100;
}

/** The pid of the process with `argument` on its command line (a marker switch), or undefined. */
export function pidWithArgument(argument) {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(argument);
      } catch {
        return false;
      }
    });
}

/** CPU seconds used so far by each app (`children`, spawned with an appName), PostgreSQL, RabbitMQ and this load generator (Linux /proc). */
export function appCpuSeconds(children) {
  // utime + stime, plus (withChildren) the reaped children's: PostgreSQL backends come and go,
  // and an exited backend's CPU lives on only in the postmaster's cutime/cstime.
  const read = (pid, withChildren = false) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const own = Number(fields[11]) + Number(fields[12]);
      return (own + (withChildren ? Number(fields[13]) + Number(fields[14]) : 0)) / 100; // clock ticks (CLK_TCK 100)
    } catch {
      return 0;
    }
  };
  const out = {};
  for (const child of children) out[child.appName] = read(child.pid);
  out.postgres = 0;
  out.rabbitmq = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let comm;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === 'postgres') out.postgres += read(pid, true);
    else if (comm === 'beam.smp') out.rabbitmq += read(pid, true);
  }
  const self = process.cpuUsage();
  out['load generator'] = (self.user + self.system) / 1e6;
  return out;
}

/** CPU milliseconds per call of each entry between two appCpuSeconds() snapshots. */
export function cpuPerCall(before, after, calls) {
  return Object.keys(after)
    .map((k) => `${k} ${(((after[k] - (before[k] ?? 0)) * 1000) / calls).toFixed(2)}`)
    .join(' · ');
}
