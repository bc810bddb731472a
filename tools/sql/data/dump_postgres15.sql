-- How data/postgres15.json was made: psql -h HOST -U postgres -Atf dump_postgres15.sql > postgres15.json
-- against PostgreSQL 15 (functions and operators of pg_catalog, implicit casts of pg_cast).
select json_build_object(
 'functions', (select json_agg(json_build_array(p.proname, p.prokind, (select coalesce(json_agg(t.typname order by o), '[]'::json) from unnest(p.proargtypes::oid[]) with ordinality as a(oid, o) join pg_type t on t.oid=a.oid), rt.typname, p.provariadic <> 0, p.pronargdefaults) order by p.proname)
   from pg_proc p join pg_namespace n on n.oid=p.pronamespace join pg_type rt on rt.oid=p.prorettype where n.nspname='pg_catalog'),
 'operators', (select json_agg(json_build_array(o.oprname, coalesce(l.typname,''), coalesce(r.typname,''), res.typname) order by o.oprname)
   from pg_operator o left join pg_type l on l.oid=o.oprleft left join pg_type r on r.oid=o.oprright join pg_type res on res.oid=o.oprresult),
 'implicit_casts', (select json_agg(json_build_array(s.typname, t.typname)) from pg_cast c join pg_type s on s.oid=c.castsource join pg_type t on t.oid=c.casttarget where c.castcontext='i'),
 'version', version())
