-- ref.fold_name, same expression, in PL/pgSQL. As an SQL function it could never be inlined (its body calls
-- unaccent(), which is only STABLE, inside an IMMUTABLE function), so every call went through the SQL-function
-- executor: about 4 µs a call, 3 calls per NPPES row on a load (search_name and the two columns of
-- physician_last_name_idx), i.e. 12 s of server CPU per million rows. PL/pgSQL evaluates the same expression on
-- its simple-expression path in about 1.5 µs. Results are identical, so the indexes built on it stay valid.
CREATE OR REPLACE FUNCTION ref.fold_name(text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ BEGIN RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1)); END $$;
