import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Chart } from '../components/Chart.js';
import { QueryState } from '../components/ErrorNote.js';
import { useSession } from '../context.js';
import { formatTime } from '../format.js';
import {
  overallRate,
  rateData,
  refusedBars,
  trafficData,
  webhookFailures,
  type OverviewAnswer,
} from '../overview-data.js';

const TRAFFIC = [
  { label: 'Calls', colour: '#1f5fbf' },
  { label: 'SMS', colour: '#b35900' },
  { label: 'Captchas', colour: '#2a7a2a' },
];
const RATES = [
  { label: 'Calls answered', colour: '#1f5fbf' },
  { label: 'SMS delivered', colour: '#b35900' },
  { label: 'Webhooks 2xx', colour: '#7a2a7a' },
];
const FAILURES = [{ label: 'Failed webhook attempts', colour: '#b00020' }];

/** Live figures of the last minutes, refreshed every 10 s. */
export function OverviewPage() {
  const { api } = useSession();
  const [minutes, setMinutes] = useState(30);
  const query = useQuery({
    queryKey: ['overview', minutes],
    queryFn: () => api.json<OverviewAnswer>(`/overview?minutes=${minutes}`),
    refetchInterval: 10_000,
  });
  const data = query.data;
  const last = (values: number[]) => values[values.length - 1] ?? 0;

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <p>
        <label>
          Window{' '}
          <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            <option value={15}>15 minutes</option>
            <option value={30}>30 minutes</option>
            <option value={60}>1 hour</option>
            <option value={180}>3 hours</option>
          </select>
        </label>{' '}
        {data && <span className="hint">updated {formatTime(data.generatedAt)}, every 10 s</span>}
      </p>
      <QueryState isPending={query.isPending} error={query.error} />
      {data && (
        <>
          <dl className="tiles">
            <div>
              <dt>Idle voice ports</dt>
              <dd>
                {data.voicePorts.idle} <small>of {data.voicePorts.total}</small>
              </dd>
            </div>
            <div>
              <dt>Webhook backlog</dt>
              <dd>{data.webhooks.backlog}</dd>
            </div>
            <div>
              <dt>Webhooks failed</dt>
              <dd>{data.webhooks.failed}</dd>
            </div>
            <div>
              <dt>Answer rate</dt>
              <dd>{overallRate(data.series.callsEnded)}</dd>
            </div>
            <div>
              <dt>SMS delivery rate</dt>
              <dd>{overallRate(data.series.smsFinished)}</dd>
            </div>
            <div>
              <dt>Last minute</dt>
              <dd>
                <small>
                  {last(data.series.calls.total)} calls, {last(data.series.sms.total)} SMS,{' '}
                  {last(data.series.captchas.total)} captchas
                </small>
              </dd>
            </div>
          </dl>
          <div className="charts">
            <Chart title="Calls, SMS and captchas per minute" data={trafficData(data)} lines={TRAFFIC} />
            <Chart title="Answer, delivery and webhook success (%)" data={rateData(data)} lines={RATES} unit=" %" />
            <Chart title="Failed webhook attempts per minute" data={webhookFailures(data)} lines={FAILURES} />
          </div>
          <h2>Refused requests by result code</h2>
          <p className="hint">Answered by this gateway process since {formatTime(data.refused.since)}.</p>
          {data.refused.byCode.length === 0 ? (
            <p>None refused.</p>
          ) : (
            <ul className="bars">
              {refusedBars(data).map((bar) => (
                <li key={bar.label}>
                  <span className="bar-label">{bar.label}</span>
                  <meter min={0} max={100} value={bar.percentOfMax} aria-label={bar.label} />
                  <span className="bar-count">{bar.count}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
