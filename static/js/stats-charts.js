// Draws each statistics chart from the JSON block beside it (Apache ECharts, SVG renderer).
(function () {
  'use strict';
  if (typeof echarts === 'undefined') { return; }
  var locale = (document.documentElement.lang || '').indexOf('zh') === 0 ? 'ZH' : 'EN';
  var colours = ['#0b4f6c', '#1b7a8c', '#f0a202', '#c0392b', '#6c757d', '#2e8b57'];

  function axisOption(spec) {
    var longest = Math.max.apply(null, spec.categories.map(function (c) { return c.length; }).concat([0]));
    var tilt = spec.categories.length > 6 || longest * spec.categories.length > 40;
    var option = {
      color: colours,
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: spec.categories, axisLabel: { rotate: tilt ? 35 : 0, interval: 0, width: 110, overflow: 'truncate' } },
      yAxis: { type: 'value', max: spec.max || null },
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.type, data: s.data, smooth: spec.type === 'line' };
      })
    };
    if (spec.target && option.series.length) {
      option.series[0].markLine = { symbol: 'none', data: [{ yAxis: spec.target }], label: { formatter: String(spec.target) } };
    }
    return option;
  }

  function pieOption(spec) {
    var data = spec.categories.map(function (name, i) { return { name: name, value: spec.series[0].data[i] }; })
      .filter(function (d) { return d.value > 0; });
    return {
      color: ['#2e8b57', '#c0392b', '#f0a202', '#6c757d'],
      animation: false,
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      series: [{ name: spec.series[0].name, type: 'pie', radius: ['35%', '65%'], top: 24, data: data }]
    };
  }

  document.querySelectorAll('.stats-chart').forEach(function (el) {
    var source = document.getElementById(el.dataset.source);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: 'svg', locale: locale });
    chart.setOption(spec.type === 'pie' ? pieOption(spec) : axisOption(spec));
    el.dataset.rendered = 'true';
    window.addEventListener('resize', function () { chart.resize(); });
  });
}());
