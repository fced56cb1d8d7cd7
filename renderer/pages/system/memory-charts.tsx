/** Recharts views of memory: the recent trend of machine pressure and each process's resident memory. */
import { Area, AreaChart, Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MemorySampleView } from '../../../core/contract/contract-views.ts';
import { formatBytes, formatPercent } from '../../lib/format.ts';

const timeOfDay = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** Machine memory in use over the recent samples, with the warning and critical lines. */
export function MemoryTrend({ samples, warningPercent, criticalPercent }: { samples: readonly MemorySampleView[]; warningPercent: number; criticalPercent: number }) {
  const data = samples.map((s) => ({ t: Date.parse(s.at), used: Math.round(s.usedPercent * 10) / 10 }));
  return (
    <div className="chart" data-testid="memory-trend" aria-label="Memory in use over the last few minutes" role="img">
      <ResponsiveContainer width="100%" height={200}>
        <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: -12 }}>
          <CartesianGrid stroke="#eef0f3" vertical={false} />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => timeOfDay.format(t)} tick={{ fontSize: 11, fill: '#5f6874' }} minTickGap={40} />
          <YAxis domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tickFormatter={(v: number) => `${v}%`} tick={{ fontSize: 11, fill: '#5f6874' }} />
          <ReferenceLine y={warningPercent} stroke="#f08c00" strokeDasharray="4 4" />
          <ReferenceLine y={criticalPercent} stroke="#d6336c" strokeDasharray="4 4" />
          <Tooltip labelFormatter={(t) => timeOfDay.format(Number(t))} formatter={(v) => [formatPercent(Number(v)), 'In use']} />
          <Area type="monotone" dataKey="used" stroke="#2f5bd3" strokeWidth={2} fill="#2f5bd3" fillOpacity={0.12} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

/** One bar per running process (the app, the lake process and each job's process). */
export function ProcessRssChart({ processes }: { processes: MemorySampleView['processes'] }) {
  const data = [...processes]
    .sort((a, b) => b.rssBytes - a.rssBytes)
    .map((p) => ({ name: p.jobId ? `${p.name} · ${p.jobId}` : p.name, rss: p.rssBytes, pid: p.pid }));
  const height = Math.max(120, data.length * 34 + 40);
  return (
    <div className="chart" data-testid="processes-chart" role="img" aria-label="Resident memory per process">
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="#eef0f3" horizontal={false} />
          <XAxis type="number" tickFormatter={(v: number) => formatBytes(v)} tick={{ fontSize: 11, fill: '#5f6874' }} />
          <YAxis type="category" dataKey="name" width={220} tick={{ fontSize: 12, fill: '#454d58' }} />
          <Tooltip formatter={(v) => [formatBytes(Number(v)), 'Resident memory']} cursor={{ fill: '#f1f3f6' }} />
          <Bar dataKey="rss" fill="#5b7fe6" radius={[0, 4, 4, 0]} isAnimationActive={false} barSize={18} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
